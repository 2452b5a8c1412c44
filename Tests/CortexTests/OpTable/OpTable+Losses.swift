@testable import Cortex

/// `Losses/`: every loss, per example (the `LossFunction`) and reduced by `Loss` (mean and
/// sum), on probabilities and on logits, and the fused forms `fit` uses through
/// `Loss.loss(logits:_:)`. Targets are differentiated where the loss is built from
/// differentiable ops (class indices never are).
extension OpTable {
    static let losses: [OpInfo] = [
        OpInfo("MeanSquaredError", regressionSamples(MeanSquaredError())),
        OpInfo("MeanAbsoluteError", regressionSamples(MeanAbsoluteError())),
        OpInfo(
            "BinaryCrossentropy",
            lossSamples(
                BinaryCrossentropy(), predictions: .uniform(0.05...0.95),
                targets: [
                    ([4, 1], binaryTargets([4])), ([4, 2], binaryTargets([4, 2])),
                    ([3, 2, 2], uniform([3, 2, 2], 0...1, seed: 4)),
                ])
                + lossSamples(
                    BinaryCrossentropy(fromLogits: true), predictions: .uniform(-4...4),
                    targets: [
                        ([4, 1], binaryTargets([4])), ([4, 2], binaryTargets([4, 2])),
                        ([3, 2, 2], uniform([3, 2, 2], 0...1, seed: 4)),
                    ])
        ),
        OpInfo(
            "CategoricalCrossentropy",
            lossSamples(
                CategoricalCrossentropy(), predictions: .uniform(0.1...1),
                targets: [
                    ([4, 3], oneHot([0, 2, 1, 2], 3)), ([3, 4], uniform([3, 4], 0...1, seed: 5)),
                    ([2, 2, 3], oneHot([0, 1, 2, 2], 3).reshaped([2, 2, 3])),
                ])
                + lossSamples(
                    CategoricalCrossentropy(fromLogits: true), predictions: .uniform(-3...3),
                    targets: [
                        ([4, 3], oneHot([0, 2, 1, 2], 3)), ([3, 4], uniform([3, 4], 0...1, seed: 5)),
                        ([2, 2, 3], oneHot([0, 1, 2, 2], 3).reshaped([2, 2, 3])),
                    ])),
        OpInfo(
            "SparseCategoricalCrossentropy",
            lossSamples(
                SparseCategoricalCrossentropy(), predictions: .uniform(0.05...0.95),
                targets: [([4, 5], Tensor([0, 4, 2, 2])), ([2, 3, 4], Tensor([3, 0, 1, 1, 2, 3], shape: [2, 3]))],
                differentiableTargets: false)
                + lossSamples(
                    SparseCategoricalCrossentropy(fromLogits: true), predictions: .uniform(-3...3),
                    targets: [
                        ([4, 5], Tensor([0, 4, 2, 2])), ([2, 3, 4], Tensor([3, 0, 1, 1, 2, 3], shape: [2, 3])),
                    ],
                    differentiableTargets: false)),
        OpInfo(
            "Loss.loss(logits:_:)",
            [
                (Loss.sparseCategoricalCrossentropy(), [4, 5], Tensor([0, 4, 2, 2]), [0]),
                (.categoricalCrossentropy(), [4, 3], oneHot([0, 2, 1, 2], 3), [0, 1]),
                (.binaryCrossentropy(), [4, 2], binaryTargets([4, 2]), [0, 1]),
                (.meanSquaredError, [4, 2], uniform([4, 2], seed: 6), [0, 1]),
            ].map { loss, shape, targets, differentiable in
                OpSample(
                    "\(loss.name) \(shape)", [uniform(shape, -3...3, seed: 1), targets], differentiable: differentiable,
                    shape: []
                ) { loss.loss(logits: $0[0], $0[1]) }
            }),
    ]

    /// Samples of `function` per example, and reduced by `Loss` with mean and with sum.
    static func lossSamples(
        _ function: some LossFunction, predictions: Domain, targets: [([Int], Tensor)],
        differentiableTargets: Bool = true
    ) -> [OpSample] {
        let kind = (function as? any LogitsLossFunction)?.outputActivation == nil ? "logits" : "probabilities"
        return targets.enumerated().flatMap { i, c in
            let (shape, target) = c
            let inputs = [predictions.tensor(shape, seed: UInt64(i + 1)), target]
            let differentiable = differentiableTargets ? [0, 1] : [0]
            let sum = Loss(function, reduction: .sum), mean = Loss(function)
            return [
                OpSample("\(kind) \(shape) per example", inputs, differentiable: differentiable, shape: [shape[0]]) {
                    function($0[0], $0[1])
                },
                OpSample("\(kind) \(shape) mean", inputs, differentiable: differentiable, shape: []) {
                    mean($0[0], $0[1])
                },
                OpSample("\(kind) \(shape) sum", inputs, differentiable: differentiable, shape: []) {
                    sum($0[0], $0[1])
                },
            ]
        }
    }

    /// Regression losses, with targets of the predictions' shape and `[n]` targets for `[n, 1]`
    /// predictions. Targets differ from predictions by at least 0.1 (the kink of |p - t|).
    static func regressionSamples(_ function: some LossFunction) -> [OpSample] {
        [[4, 3], [4, 1], [2, 3, 4], [5]].enumerated().flatMap { i, shape in
            let p = uniform(shape, seed: UInt64(i + 1))
            let offset = Domain.avoiding([0], margin: 0.1, in: -1...1).tensor(shape, seed: UInt64(i + 11))
            let t = GradientCheck.snapped(p + offset)
            let targets = shape == [4, 1] ? t.reshaped([4]) : t
            let sum = Loss(function, reduction: .sum), mean = Loss(function)
            return [
                OpSample("\(shape) targets \(targets.shape) per example", [p, targets], shape: [shape[0]]) {
                    function($0[0], $0[1])
                },
                OpSample("\(shape) targets \(targets.shape) mean", [p, targets], shape: []) { mean($0[0], $0[1]) },
                OpSample("\(shape) targets \(targets.shape) sum", [p, targets], shape: []) { sum($0[0], $0[1]) },
            ]
        }
    }

    static func binaryTargets(_ shape: [Int]) -> Tensor {
        Tensor((0..<shape.reduce(1, *)).map { Float(($0 * 7 + 3) % 5 < 2 ? 1 : 0) }, shape: shape)
    }

    static func oneHot(_ labels: [Float], _ classes: Int) -> Tensor { Tensor(oneHot: Tensor(labels), classes: classes) }
}
