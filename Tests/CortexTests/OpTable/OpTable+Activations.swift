@testable import Cortex

/// `Tensor/Math.swift`: element-wise functions and activations, softmax and log-softmax.
extension OpTable {
    static let activations: [OpInfo] = [
        .elementwise("relu(_:)", domain: awayFromZero) { relu($0) },
        OpInfo(
            "leakyRelu(_:alpha:)",
            OpInfo.elementwiseSamples("default alpha ", domain: awayFromZero) { leakyRelu($0) }
                + OpInfo.elementwiseSamples("alpha 0.05 ", domain: awayFromZero) { leakyRelu($0, alpha: 0.05) }),
        .elementwise("sigmoid(_:)", domain: .uniform(-4...4)) { sigmoid($0) },
        .elementwise("tanh(_:)", domain: .uniform(-3...3)) { tanh($0) },
        .elementwise("exp(_:)") { exp($0) },
        .elementwise("log(_:)", domain: .uniform(0.2...3)) { log($0) },
        .elementwise("sqrt(_:)", domain: .uniform(0.2...3)) { sqrt($0) },
        .elementwise("abs(_:)", domain: awayFromZero) { abs($0) },
        OpInfo(
            "clip(_:to:)",
            OpInfo.elementwiseSamples("-1...1 ", domain: .avoiding([-1, 1], margin: 0.05, in: -2...2)) {
                clip($0, to: -1...1)
            }
                + OpInfo.elementwiseSamples("0...0.5 ", domain: .avoiding([0, 0.5], margin: 0.05, in: -1...1)) {
                    clip($0, to: 0...0.5)
                }),
        OpInfo("softmax(_:axis:)", softmaxSamples { softmax($0, axis: $1) }),
        OpInfo("logSoftmax(_:axis:)", softmaxSamples { logSoftmax($0, axis: $1) }),
    ]

    /// Inputs at least 0.05 away from a kink at zero.
    static let awayFromZero = Domain.avoiding([0], margin: 0.05, in: -2...2)

    /// Every axis of ranks 1 to 4, counted from the front and from the back.
    static func softmaxSamples(_ f: @escaping @Sendable (Tensor, Int) -> Tensor) -> [OpSample] {
        [
            ([6], 0), ([6], -1), ([3, 4], 0), ([3, 4], 1), ([3, 4], -1), ([2, 3, 4], 1), ([2, 3, 4], -1),
            ([2, 3, 2, 3], 2),
            ([2, 3, 2, 3], 0), ([4, 1], 1),
        ]
        .map { shape, axis in
            OpSample("\(shape) axis \(axis)", [uniform(shape, -3...3, seed: 1)], shape: shape) { f($0[0], axis) }
        }
    }
}
