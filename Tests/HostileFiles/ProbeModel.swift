// The model that hostile weight files and checkpoints are loaded into, and a fingerprint of
// everything a load may change, so that a refused load can be shown to have changed nothing.
import Cortex
import Foundation

public enum ProbeModel {
    /// The optimizers a checkpoint case may target.
    public enum OptimizerKind: String, Sendable, CaseIterable {
        case adam, sgd, momentum
    }

    /// Dense(3, relu) then Dense(2) on 4 inputs (`dense.kernel` [4, 3], `dense.bias` [3],
    /// `dense_1.kernel` [3, 2], `dense_1.bias` [2]), compiled with `optimizer` and trained for
    /// two steps so that the optimizer holds state.
    public static func make(_ optimizer: OptimizerKind) throws -> Sequential {
        let model = Sequential(seed: 7) {
            Dense(units: 3, activation: .relu)
            Dense(units: 2)
        }
        let chosen: Optimizer =
            switch optimizer {
            case .adam: Adam(learningRate: 0.01)
            case .sgd: SGD(learningRate: 0.1)
            case .momentum: SGD(learningRate: 0.1, momentum: 0.9)
            }
        model.compile(optimizer: chosen, loss: .meanSquaredError)
        let x = Tensor((0..<32).map { Float($0 % 7) / 7 }, shape: [8, 4])
        let y = Tensor((0..<16).map { Float($0 % 3) }, shape: [8, 2])
        try model.fit(x, y, epochs: 1, batchSize: 4, shuffle: true, verbose: .silent)
        return model
    }

    /// Every value a load may change, as the bytes of a checkpoint of the model: weights,
    /// optimizer state, step count, learning rate and the generator's state.
    public static func fingerprint(_ model: Sequential) throws -> [UInt8] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.saveCheckpoint(to: url, epoch: 0)
        return [UInt8](try Data(contentsOf: url))
    }

    /// The bytes of a valid weights file and checkpoint of the probe model.
    public static func validFiles(_ optimizer: OptimizerKind) throws -> (weights: [UInt8], checkpoint: [UInt8]) {
        let model = try make(optimizer)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try model.save(to: folder.appendingPathComponent("w.safetensors"))
        try model.saveCheckpoint(to: folder.appendingPathComponent("c.ckpt"), epoch: 1)
        return (
            [UInt8](try Data(contentsOf: folder.appendingPathComponent("w.safetensors"))),
            [UInt8](try Data(contentsOf: folder.appendingPathComponent("c.ckpt")))
        )
    }
}
