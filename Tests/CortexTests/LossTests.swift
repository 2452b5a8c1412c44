import Foundation
import Testing

@testable import Cortex

@Suite struct LossTests {
    @Test func regressionLosses() {
        let p = Tensor([1, 2, 3, 4], shape: [4, 1]), t = Tensor([1.5, 2, 2, 6])
        #expect(Swift.abs(Loss.meanSquaredError(p, t).scalar - (0.25 + 0 + 1 + 4) / 4) < 1e-6)
        #expect(Swift.abs(Loss.meanAbsoluteError(p, t).scalar - (0.5 + 0 + 1 + 2) / 4) < 1e-6)
    }

    @Test func crossEntropiesAgainstHandComputedValues() {
        // Binary on probabilities: -(log 0.9 + log(1 - 0.2)) / 2
        let binary = Loss.binaryCrossentropy()(Tensor([0.9, 0.2], shape: [2, 1]), Tensor([1, 0]))
        #expect(Swift.abs(binary.scalar - Float(-(Foundation.log(0.9) + Foundation.log(0.8)) / 2)) < 1e-6)
        // Binary on logits z = [2, -1], t = [1, 1]: mean(log(1 + e^-z))
        let fromLogits = Loss.binaryCrossentropy(fromLogits: true)(Tensor([2, -1]), Tensor([1, 1]))
        #expect(
            Swift.abs(
                fromLogits.scalar
                    - Float((Foundation.log(1 + Foundation.exp(-2.0)) + Foundation.log(1 + Foundation.exp(1.0))) / 2))
                < 1e-6)
        // Sparse: logits [[1, 2, 3], [1, 1, 1]], labels [2, 0]
        let logits = Tensor([1, 2, 3, 1, 1, 1], shape: [2, 3])
        let l0 = Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)) - 3
        let l1 = Foundation.log(3.0)
        let expected = Float((l0 + l1) / 2)
        #expect(
            Swift.abs(Loss.sparseCategoricalCrossentropy(fromLogits: true)(logits, Tensor([2, 0])).scalar - expected)
                < 1e-6)
        #expect(
            Swift.abs(Loss.sparseCategoricalCrossentropy()(softmax(logits), Tensor([2, 0])).scalar - expected) < 1e-6)
        let oneHot = Tensor([0, 0, 1, 1, 0, 0], shape: [2, 3])
        #expect(Swift.abs(Loss.categoricalCrossentropy(fromLogits: true)(logits, oneHot).scalar - expected) < 1e-6)
        // Probabilities that did not come from softmax take the clipped path.
        let probabilities = softmax(logits).detached
        #expect(
            Swift.abs(Loss.sparseCategoricalCrossentropy()(probabilities, Tensor([2, 0])).scalar - expected) < 1e-5)
        #expect(Swift.abs(Loss.categoricalCrossentropy()(probabilities, oneHot).scalar - expected) < 1e-5)
    }

    @Test func extremeLogitsStayFinite() throws {
        let logits = Tensor([1e4, -1e4, 0, -1e4, 1e4, 0], shape: [2, 3])
        #expect(Loss.sparseCategoricalCrossentropy(fromLogits: true)(logits, Tensor([0, 1])).scalar == 0)
        #expect(
            Swift.abs(Loss.sparseCategoricalCrossentropy(fromLogits: true)(logits, Tensor([1, 1])).scalar - 1e4) < 1)
        // On probabilities the losses clip at 1e-7, as Keras does: finite, -log(1e-7) at most per example.
        let clipped = Loss.sparseCategoricalCrossentropy()(softmax(logits), Tensor([1, 1]))
        #expect(Swift.abs(clipped.scalar - Float(-Foundation.log(1e-7)) / 2) < 1e-3)
        let categorical = Loss.categoricalCrossentropy()(softmax(logits), Tensor([0, 1, 0, 1, 0, 0], shape: [2, 3]))
        #expect(categorical.scalar.isFinite)
        #expect(Loss.binaryCrossentropy()(sigmoid(Tensor([1e4, -1e4])), Tensor([0, 1])).scalar.isFinite)
        // A model ending in softmax or sigmoid is evaluated from its logits: exact and finite,
        // with finite gradients.
        for (activation, loss, labels) in [
            (ActivationFunction.softmax, Loss.sparseCategoricalCrossentropy(), Tensor([1, 1])),
            (.sigmoid, .binaryCrossentropy(), Tensor(zeros: [2, 3])),
        ] {
            let model = Sequential(seed: 1) { Dense(units: 3, activation: activation) }
            try model.build(inputShape: [3])
            model.parameters[0].value = Tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], shape: [3, 3])
            let value = model.loss(logits, labels, using: loss)
            #expect(Swift.abs(value.scalar - (activation == .softmax ? 1e4 : 2e4 / 6)) < 1, "\(activation)")
            value.backward()
            #expect(model.parameters[0].grad!.scalars.allSatisfy { $0.isFinite })
            model.compile(optimizer: SGD(learningRate: 0.1), loss: loss)
            let evaluated = try model.evaluate(logits, labels)["loss"]!
            #expect(Swift.abs(evaluated - value.scalar) < 1e-3)
        }
    }

    /// Probabilities from a softmax over another axis are taken as they are (regression: the
    /// loss once recomputed them from the logits over the last axis).
    @Test func categoricalCrossentropyTakesTheProbabilitiesItIsGiven() {
        let z = Tensor([0.5, -1, 2, 0.3, 1, -0.2], shape: [3, 2])
        let targets = Tensor([1, 0, 0, 1, 1, 0], shape: [3, 2])
        let p = softmax(z, axis: 0)
        let q = p.scalars
        var expected = 0.0
        for row in 0..<3 {
            let total = Double(q[2 * row] + q[2 * row + 1])
            for k in 0..<2 where targets.scalars[2 * row + k] == 1 {
                expected -= Foundation.log(Double(q[2 * row + k]) / total)
            }
        }
        #expect(Swift.abs(Double(Loss.categoricalCrossentropy()(p, targets).scalar) - expected / 3) < 1e-5)
    }

    /// Regression: on logits, binary cross-entropy gave targets that depend on parameters (soft
    /// targets from another model) no gradient. d/dt mean(max(z, 0) - z t + log(1 + e^-|z|)) = -z / n.
    @Test func binaryCrossentropyOnLogitsDifferentiatesTargets() {
        let z = Tensor([2, -1, 0.5, 3], shape: [4, 1]), t = Parameter(Tensor([0.2, 0.9, 0.5, 1]))
        Loss.binaryCrossentropy(fromLogits: true)(z, t.tensor).backward()
        #expect(t.grad?.scalars == [-0.5, 0.25, -0.125, -0.75])
    }
}
