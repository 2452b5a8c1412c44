// Scarce data: the seed CNN trained on 1,000 of the bundled MNIST digits, with and without
// augmentation + Dropout, over three seeds; accuracy on the 1,000 test
// digits. Writes the learning curves of the last runs as SVG files.
import Cortex
import Foundation

let arguments = CommandLine.arguments
let epochs = arguments.firstIndex(of: "--epochs").flatMap { Int(arguments[$0 + 1]) } ?? 20
let seeds: [UInt64] = [1, 2, 3]

func cnn(regularized: Bool, seed: UInt64) -> Sequential {
    Sequential(seed: seed) {
        Conv2D(filters: 32, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Conv2D(filters: 64, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Flatten()
        if regularized { Dropout(rate: 0.25) }
        Dense(units: 64, activation: .relu)
        Dense(units: 10, activation: .softmax)
    }
}

do {
    let data = arguments.firstIndex(of: "--data").map { arguments[$0 + 1] } ?? "Data/mnist-5k"
    let (train, test) = try MNIST.load(directory: data)
    let x = train.images.slice(0..<1000), y = train.labels.slice(0..<1000)
    var results: [Bool: [Float]] = [:]
    for regularized in [false, true] {
        for seed in seeds {
            let model = cnn(regularized: regularized, seed: seed)
            model.compile(
                optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
            let history = try model.fit(
                x, y, epochs: epochs, batchSize: 32, validationData: (test.images, test.labels), verbose: .silent,
                augmentation: regularized ? ImageAugmentation(maxShift: 2, maxRotation: 10) : nil)
            let accuracy = try model.evaluate(test.images, test.labels)["accuracy"]!
            results[regularized, default: []].append(accuracy)
            print(
                String(
                    format: "%@ seed %d: test accuracy %.2f%%", regularized ? "regularized" : "baseline   ", seed,
                    accuracy * 100))
            try history.plot(to: URL(fileURLWithPath: regularized ? "curves-regularized.svg" : "curves-baseline.svg"))
        }
    }
    for regularized in [false, true] {
        let values = results[regularized]!
        let mean = values.reduce(0, +) / Float(values.count)
        let spread = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
        print(
            String(
                format: "%@: mean %.2f%%, std %.2f, min %.2f%%, max %.2f%%",
                regularized ? "augmentation + dropout" : "plain CNN",
                mean * 100, spread * 100, values.min()! * 100, values.max()! * 100))
    }
} catch {
    print("error: \(error)")
    exit(1)
}
