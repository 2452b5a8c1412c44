// Trains the seed document's CNN on the bundled 4,000 MNIST digits and reports test accuracy
// on the 1,000 test digits and the training throughput.
import Cortex
import Foundation

let arguments = CommandLine.arguments
let epochs = arguments.firstIndex(of: "--epochs").flatMap { Int(arguments[$0 + 1]) } ?? 10
let directory = arguments.firstIndex(of: "--data").map { arguments[$0 + 1] } ?? "Data/mnist-5k"

print("BLAS: \(Cortex.blasInfo)")
do {
    let (train, test) = try MNIST.load(directory: directory)
    print("Loaded \(train.count) training and \(test.count) test digits from \(directory)")

    let cnn = Sequential(seed: 42) {
        Conv2D(filters: 32, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Conv2D(filters: 64, kernelSize: (3, 3), strides: (1, 1), padding: .valid, activation: .relu)
        MaxPooling2D(poolSize: (2, 2))
        Flatten()
        Dense(units: 64, activation: .relu)
        Dense(units: 10, activation: .softmax)
    }
    try cnn.build(inputShape: [28, 28, 1])
    print(cnn.summary())
    cnn.compile(optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])

    let start = DispatchTime.now()
    let history = try cnn.fit(
        train.images, train.labels, epochs: epochs, batchSize: 32,
        validationData: (test.images, test.labels), verbose: .progressBar)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9

    let scores = try cnn.evaluate(test.images, test.labels)
    let ran = history.epochs.count
    print(String(format: "Test accuracy: %.2f%% (loss %.4f)", scores["accuracy"]! * 100, scores["loss"]!))
    print(
        String(
            format:
                "Training: %d epochs in %.1f s, %.1f s/epoch, %.0f images/s (including validation passes), %d threads",
            ran, seconds, seconds / Double(max(ran, 1)), Double(train.count * ran) / seconds, Cortex.threadCount))
} catch {
    print("error: \(error)")
    exit(1)
}
