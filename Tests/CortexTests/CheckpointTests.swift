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

    /// A checkpoint of `model` with its tensors and metadata passed through `edit`.
    func edited(
        _ url: URL, _ edit: (inout [(String, Tensor)], inout [String: String]) -> Void
    ) throws -> URL {
        var (tensors, metadata) = try SafeTensors.decode([UInt8](try Data(contentsOf: url)), source: "ckpt")
        edit(&tensors, &metadata)
        let out = url.deletingLastPathComponent().appendingPathComponent("edited-\(UUID().uuidString).ckpt")
        try Data(SafeTensors.encode(tensors, metadata: metadata)).write(to: out)
        return out
    }

    /// A small trained model and a checkpoint of it, and a second model compiled alike that
    /// has trained differently (so that a load visibly changes it).
    func trainedPair(_ optimizer: @autoclosure () -> Optimizer, in folder: URL) throws -> (URL, Sequential) {
        let x = mnist.train.images.slice(0..<64), y = mnist.train.labels.slice(0..<64)
        let saved = model(), target = model()
        saved.compile(optimizer: optimizer(), loss: .sparseCategoricalCrossentropy())
        target.compile(optimizer: optimizer(), loss: .sparseCategoricalCrossentropy())
        try saved.fit(x, y, epochs: 1, batchSize: 16, verbose: .silent)
        try target.fit(x, y, epochs: 2, batchSize: 32, verbose: .silent)
        let url = folder.appendingPathComponent("saved.ckpt")
        try saved.saveCheckpoint(to: url, epoch: 1)
        return (url, target)
    }

    /// Everything a load may change, as the bytes of a checkpoint.
    func fingerprint(_ m: Sequential, in folder: URL) throws -> Data {
        let url = folder.appendingPathComponent("fingerprint-\(UUID().uuidString).ckpt")
        try m.saveCheckpoint(to: url, epoch: 0)
        return try Data(contentsOf: url)
    }

    /// Issue 19, items 3 and 9: a checkpoint that is not exactly what the model needs is
    /// refused with a clear error, and the model, its optimizer and its generator are unchanged.
    @Test func loadingIsExactAndAllOrNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, target) = try trainedPair(Adam(learningRate: 0.002), in: folder)
        let cases: [(String, (inout [(String, Tensor)], inout [String: String]) -> Void)] = [
            ("all-zero random_state", { _, m in m["random_state"] = "0,0,0,0" }),
            (
                "has 1 of 2 optimizer slots for dense.kernel",
                { t, _ in t.removeAll { $0.0 == "optimizer/dense.kernel/1" } }
            ),
            (
                "declares Adam state for 4 parameters but holds it for 3",
                { t, _ in
                    t.removeAll { $0.0.hasPrefix("optimizer/dense.kernel/") }
                }
            ),
            (
                "declares Adam state for 4 parameters but holds it for 0",
                { t, _ in
                    t.removeAll { $0.0.hasPrefix("optimizer/") }
                }
            ),
            ("holds optimizer tensors but no optimizer metadata", { _, m in m["optimizer"] = nil }),
            (
                "holds no optimizer state but the model is compiled with Adam",
                { t, m in
                    m["optimizer"] = nil
                    t.removeAll { $0.0.hasPrefix("optimizer/") }
                }
            ),
            ("was saved with Adam beta2 0.99", { _, m in m["optimizer_hyperparameters"] = "beta1=0.9,beta2=0.99" }),
            (
                "no slot for: optimizer/dense.bias/2",
                { t, _ in t.append(("optimizer/dense.bias/2", Tensor(zeros: [32]))) }
            ),
            ("neither a model/ nor an optimizer/ tensor", { t, _ in t.append(("extra", Tensor(zeros: [1]))) }),
        ]
        let before = try fingerprint(target, in: folder)
        for (message, edit) in cases {
            let bad = try edited(url, edit)
            #expect { try target.loadCheckpoint(from: bad) } throws: {
                ($0 as? CortexError)?.description.contains(message) ?? false
            }
            #expect(try fingerprint(target, in: folder) == before, "\(message): the model changed")
        }
        #expect(try target.loadCheckpoint(from: url) == 1)
        #expect(try fingerprint(target, in: folder) != before)
    }

    /// Issue 19, item 9: velocity saved with momentum does not load into SGD without it (nor
    /// the reverse), and a momentum that differs is named.
    @Test func momentumMustMatch() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, _) = try trainedPair(SGD(learningRate: 0.05, momentum: 0.9), in: folder)
        for (optimizer, message) in [
            (SGD(learningRate: 0.05), "was saved with SGD momentum 0.9, but the model's SGD has momentum 0.0"),
            (
                SGD(learningRate: 0.05, momentum: 0.5),
                "was saved with SGD momentum 0.9, but the model's SGD has momentum 0.5"
            ),
        ] {
            let other = model()
            other.compile(optimizer: optimizer, loss: .sparseCategoricalCrossentropy())
            try other.build(inputShape: [28, 28, 1])
            #expect { try other.loadCheckpoint(from: url) } throws: {
                ($0 as? CortexError)?.description.contains(message) ?? false
            }
        }
        let same = model()
        same.compile(optimizer: SGD(learningRate: 0.05, momentum: 0.9), loss: .sparseCategoricalCrossentropy())
        try same.build(inputShape: [28, 28, 1])
        #expect(try same.loadCheckpoint(from: url) == 1)
    }

    /// Issue 19, item 3: a resumed run whose checkpoint is refused never reaches `fit` with an
    /// all-zero generator; `fit` after a refused load runs from the model's own state.
    @Test func fitAfterARefusedZeroStateReturns() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (url, target) = try trainedPair(Adam(learningRate: 0.002), in: folder)
        let bad = try edited(url) { _, m in m["random_state"] = "0,0,0,0" }
        #expect(throws: CortexError.self) { try target.loadCheckpoint(from: bad) }
        let history = try target.fit(
            mnist.train.images.slice(0..<64), mnist.train.labels.slice(0..<64), epochs: 1, batchSize: 16,
            verbose: .silent)
        #expect(history.epochs == [0])
    }
}
