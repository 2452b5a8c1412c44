@testable import Cortex

/// `Tensor/BatchNormOp.swift`: batch normalization in training mode (the batch's statistics),
/// over every axis but the last.
extension OpTable {
    static let normalization: [OpInfo] = [
        OpInfo(
            "batchNormalization(_:gamma:beta:epsilon:)",
            [[6, 3], [8, 1], [2, 4, 3], [2, 2, 3, 2]].enumerated().map { i, shape in
                let channels = shape.last!
                let seed = UInt64(3 * i)
                return OpSample(
                    "\(shape)",
                    [
                        uniform(shape, -2...3, seed: seed + 1), uniform([channels], 0.5...2, seed: seed + 2),
                        uniform([channels], seed: seed + 3),
                    ], shape: shape
                ) { batchNormalization($0[0], gamma: $0[1], beta: $0[2], epsilon: 1e-3).output }
            })
    ]
}
