// Trains the seed CNN (and an MLP) while another thread keeps changing Cortex.threadCount, for
// the number of seconds given (default 10): every parallel op must size and index its
// per-thread buffers from one reading of the count. The threading test runs it as a child
// process; `make sanitize` runs it under AddressSanitizer. Exits 0 when training finished with
// finite losses.
import Cortex
import Foundation

let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 10 : 10
var rng = RandomGenerator(seed: 3)
let images = Tensor.randomUniform([96, 28, 28, 1], in: 0...1, using: &rng)
let labels = Tensor((0..<96).map { Float($0 % 10) })
let cnn = Sequential(seed: 1) {
    Conv2D(filters: 16, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Conv2D(filters: 32, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 32, activation: .relu)
    Dense(units: 10, activation: .softmax)
}
cnn.compile(optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
let mlp = Sequential(seed: 2) {
    Dense(units: 256, activation: .relu)
    Dense(units: 10)
}
mlp.compile(optimizer: SGD(learningRate: 0.01, momentum: 0.9), loss: .sparseCategoricalCrossentropy(fromLogits: true))
let flat = images.reshaped([96, 784])

let flipper = Thread {
    var generator = RandomGenerator(seed: 9)
    while true {
        Cortex.threadCount = 1 + generator.nextInt(below: 6)
        usleep(UInt32(50 + generator.nextInt(below: 400)))
    }
}
flipper.start()

let start = Date()
var epochs = 0
while Date().timeIntervalSince(start) < seconds {
    let a = try cnn.fit(images, labels, epochs: 1, batchSize: 32, verbose: .silent)
    let b = try mlp.fit(flat, labels, epochs: 1, batchSize: 16, verbose: .silent)
    _ = try cnn.predict(images, batchSize: 48)
    guard a.metrics["loss"]!.allSatisfy(\.isFinite), b.metrics["loss"]!.allSatisfy(\.isFinite) else {
        print("non-finite loss after \(epochs) epochs")
        exit(1)
    }
    epochs += 1
}
print(
    "trained \(epochs) rounds in \(String(format: "%.1f", Date().timeIntervalSince(start))) s while threadCount changed"
)
