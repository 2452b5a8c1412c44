@testable import Cortex

/// `Losses/`: every loss, per example (the `LossFunction`) and reduced by `Loss` (mean and
/// sum); the cross-entropies on probabilities, on logits (`fromLogits: true`), and in the fused
/// form `fit` uses on the logits of a model ending in softmax or sigmoid (`Loss.loss(logits:_:)`).
/// Targets are differentiated where the loss is built from differentiable ops (class indices
/// never are).
extension OpTable {
    static let losses: [OpInfo] = [
        OpInfo("MeanSquaredError", regressionSamples(MeanSquaredError())),
        OpInfo("MeanAbsoluteError", regressionSamples(MeanAbsoluteError())),
        OpInfo(
            "BinaryCrossentropy",
            crossEntropySamples(
                BinaryCrossentropy.init(fromLogits:), probabilities: .uniform(0.05...0.95),
                targets: [
                    ([4, 1], binaryTargets([4])), ([4, 2], binaryTargets([4, 2])),
                    ([3, 2, 2], uniform([3, 2, 2], 0...1, seed: 4)),
                ])),
        OpInfo(
            "CategoricalCrossentropy",
            crossEntropySamples(
                CategoricalCrossentropy.init(fromLogits:), probabilities: .uniform(0.1...1),
                targets: [
                    ([4, 3], oneHot([0, 2, 1, 2], 3)), ([3, 4], uniform([3, 4], 0...1, seed: 5)),
                    ([2, 2, 3], oneHot([0, 1, 2, 2], 3).reshaped([2, 2, 3])),
                ])),
        OpInfo(
            "SparseCategoricalCrossentropy",
            crossEntropySamples(
                SparseCategoricalCrossentropy.init(fromLogits:), probabilities: .uniform(0.05...0.95),
                targets: [([4, 5], Tensor([0, 4, 2, 2])), ([2, 3, 4], Tensor([3, 0, 1, 1, 2, 3], shape: [2, 3]))],
                differentiableTargets: false)),
    ]

    /// A cross-entropy on probabilities and on logits, each per example and reduced by mean and
    /// sum, and the fused form on logits.
    static func crossEntropySamples<L: LossFunction>(
        _ loss: (Bool) -> L, probabilities: Domain, targets: [([Int], Tensor)], differentiableTargets: Bool = true
    ) -> [OpSample] {
        let differentiable = differentiableTargets ? [0, 1] : [0]
        return targets.enumerated().flatMap { i, c in
            let (shape, target) = c
            let p = probabilities.tensor(shape, seed: UInt64(i + 1)), z = uniform(shape, -3...3, seed: UInt64(i + 1))
            let fused = Loss(loss(false))
            return reducedSamples("probabilities \(shape)", loss(false), [p, target], differentiable: differentiable)
                + reducedSamples("logits \(shape)", loss(true), [z, target], differentiable: differentiable)
                + [
                    OpSample("fused from logits \(shape)", [z, target], differentiable: differentiable, shape: []) {
                        fused.reduce(fused.perExample(logits: $0[0], $0[1]))
                    }
                ]
        }
    }

    /// `function` per example `[batch]`, and reduced by `Loss` with mean and with sum (scalars).
    static func reducedSamples(
        _ label: String, _ function: some LossFunction, _ inputs: [Tensor], differentiable: [Int]? = nil
    ) -> [OpSample] {
        let mean = Loss(function), sum = Loss(function, reduction: .sum)
        return [
            OpSample("\(label) per example", inputs, differentiable: differentiable, shape: [inputs[0].shape[0]]) {
                function($0[0], $0[1])
            },
            OpSample("\(label) mean", inputs, differentiable: differentiable, shape: []) { mean($0[0], $0[1]) },
            OpSample("\(label) sum", inputs, differentiable: differentiable, shape: []) { sum($0[0], $0[1]) },
        ]
    }

    /// Regression losses, with targets of the predictions' shape and `[n]` targets for `[n, 1]`
    /// predictions. Targets differ from predictions by at least 0.1 (the kink of |p - t|).
    static func regressionSamples(_ function: some LossFunction) -> [OpSample] {
        [[4, 3], [4, 1], [2, 3, 4], [5]].enumerated().flatMap { i, shape in
            let p = uniform(shape, seed: UInt64(i + 1))
            let offset = Domain.avoiding([0], margin: 0.1, in: -1...1).tensor(shape, seed: UInt64(i + 11))
            let t = GradientCheck.snapped(p + offset)
            let targets = shape == [4, 1] ? t.reshaped([4]) : t
            return reducedSamples("\(shape) targets \(targets.shape)", function, [p, targets])
        }
    }

    static func binaryTargets(_ shape: [Int]) -> Tensor {
        Tensor((0..<shape.reduce(1, *)).map { Float(($0 * 7 + 3) % 5 < 2 ? 1 : 0) }, shape: shape)
    }

    static func oneHot(_ labels: [Float], _ classes: Int) -> Tensor { Tensor(oneHot: Tensor(labels), classes: classes) }
}
