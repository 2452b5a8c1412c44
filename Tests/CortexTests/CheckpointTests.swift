import Foundation
import Testing

@testable import Cortex

@Suite struct CheckpointTests {
    func model() -> Sequential {
        Sequential(seed: 5) {
            Flatten()
            Dense(units: 32, activation: .relu)
            Dropout(rate: 0.2)
            Dense(units: 10, activation: .softmax)
        }
    }

    @Test func resumingFromAnEpochGivesTheUninterruptedWeights() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = mnist.train.images.slice(0..<600), y = mnist.train.labels.slice(0..<600)
        let uninterrupted = model()
        uninterrupted.compile(optimizer: Adam(learningRate: 0.002), loss: .sparseCategoricalCrossentropy())
        try uninterrupted.fit(x, y, epochs: 4, batchSize: 64, verbose: .silent)

        let first = model()
        first.compile(optimizer: Adam(learningRate: 0.002), loss: .sparseCategoricalCrossentropy())
        let checkpoint = ModelCheckpoint(url: folder.appendingPathComponent("run-{epoch}.ckpt"))
        try first.fit(x, y, epochs: 2, batchSize: 64, verbose: .silent, callbacks: [checkpoint])
        #expect(checkpoint.lastError == nil)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run-1.ckpt").path))

        // A fresh process would build a new model: different seed, nothing shared.
        let resumed = Sequential(seed: 99) {
            Flatten()
            Dense(units: 32, activation: .relu)
            Dropout(rate: 0.2)
            Dense(units: 10, activation: .softmax)
        }
        resumed.compile(optimizer: Adam(learningRate: 0.002), loss: .sparseCategoricalCrossentropy())
        try resumed.build(inputShape: [28, 28, 1])
        let epoch = try resumed.loadCheckpoint(from: folder.appendingPathComponent("run-2.ckpt"))
        #expect(epoch == 2)
        #expect(resumed.optimizer!.iterations == 20)
        #expect(resumed.optimizer!.learningRate == 0.002)
        let history = try resumed.fit(x, y, epochs: 4, batchSize: 64, verbose: .silent, initialEpoch: epoch)
        #expect(history.epochs == [2, 3])
        #expect(resumed.parameters.map(\.value.scalars) == uninterrupted.parameters.map(\.value.scalars))
    }

    @Test func saveBestOnlyAndValidation() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let m = model()
        m.compile(optimizer: SGD(learningRate: 0.05), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let url = folder.appendingPathComponent("best.safetensors")
        let best = ModelCheckpoint(url: url, monitor: "val_accuracy", saveBestOnly: true, weightsOnly: true)
        let x = mnist.train.images.slice(0..<500), y = mnist.train.labels.slice(0..<500)
        let history = try m.fit(
            x, y, epochs: 3, batchSize: 50, validationSplit: 0.2, verbose: .silent, callbacks: [best])
        let accuracies = history.metrics["val_accuracy"]!
        let reloaded = model()
        try reloaded.build(inputShape: [28, 28, 1])
        try reloaded.loadWeights(from: url)
        if accuracies.last! >= accuracies.max()! {
            #expect(reloaded.parameters.map(\.value.scalars) == m.parameters.map(\.value.scalars))
        }
        // A weights file is not a checkpoint; a checkpoint for another optimizer is refused.
        #expect(throws: CortexError.self) { try reloaded.loadCheckpoint(from: url) }
        let ckpt = folder.appendingPathComponent("sgd.ckpt")
        try m.saveCheckpoint(to: ckpt, epoch: 3)
        reloaded.compile(optimizer: Adam(), loss: .sparseCategoricalCrossentropy())
        let before = reloaded.parameters.map(\.value.scalars)
        #expect { try reloaded.loadCheckpoint(from: ckpt) } throws: {
            ($0 as? CortexError)?.description.contains("holds SGD state but the model is compiled with Adam") ?? false
        }
        #expect(reloaded.parameters.map(\.value.scalars) == before)
    }
}
