@testable import Cortex

extension OpTable {
    static let layerNormalizationOps: [OpInfo] = [
        OpInfo(
            "layerNormalization(_:gamma:beta:epsilon:)",
            [[4, 6], [2, 3, 5], [2, 2, 3, 4]].map { shape in
                OpSample(
                    "\(shape)",
                    [
                        uniform(shape, -2...3, seed: 1), uniform([shape.last!], 0.5...2, seed: 2),
                        uniform([shape.last!], seed: 3),
                    ],
                    shape: shape
                ) { layerNormalization($0[0], gamma: $0[1], beta: $0[2], epsilon: 1e-3) }
            })
    ]
}
