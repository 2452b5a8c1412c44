@testable import Cortex

/// `Tensor/PoolingOps.swift`: max and average pooling over NHWC images. Max pooling gets
/// distinct inputs, so no window has two maxima.
extension OpTable {
    static let pooling: [OpInfo] = [
        OpInfo(
            "maxPool2d(_:poolSize:strides:padding:)",
            poolingSamples(domain: distinct) {
                maxPool2d($0, poolSize: $1, strides: $2, padding: $3)
            }),
        OpInfo(
            "avgPool2d(_:poolSize:strides:padding:)",
            poolingSamples(domain: .uniform(-2...2)) {
                avgPool2d($0, poolSize: $1, strides: $2, padding: $3)
            }),
    ]

    /// Windows equal to and unequal to the strides (overlapping, gaps), valid and same
    /// padding, default strides, and the 2x2 fast path with many channels.
    static func poolingSamples(
        domain: Domain, _ f: @escaping @Sendable (Tensor, (Int, Int), (Int, Int)?, Padding) -> Tensor
    ) -> [OpSample] {
        let cases: [([Int], (Int, Int), (Int, Int)?, Padding)] = [
            ([2, 7, 5, 3], (2, 2), nil, .valid), ([2, 7, 5, 3], (3, 3), (2, 2), .same),
            ([2, 7, 5, 3], (3, 2), (1, 2), .valid), ([2, 7, 5, 3], (2, 2), (2, 2), .same),
            ([1, 5, 5, 2], (3, 3), (1, 1), .valid), ([1, 6, 5, 2], (1, 3), (2, 1), .same),
            ([2, 7, 5, 8], (2, 2), (2, 2), .valid),
        ]
        return cases.enumerated().map { i, c in
            let (shape, window, strides, padding) = c
            let output = ShapeRule.pooled(shape, window: window, strides: strides ?? window, same: padding == .same)
            return OpSample(
                "\(shape) window \(window) strides \(strides.map { "\($0)" } ?? "default") \(padding)",
                [domain.tensor(shape, seed: UInt64(i + 1))], shape: output
            ) { f($0[0], window, strides, padding) }
        }
    }
}
