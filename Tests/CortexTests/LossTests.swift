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

    @Test func extremeLogitsStayFinite() {
        let logits = Tensor([1e4, -1e4, 0, -1e4, 1e4, 0], shape: [2, 3])
        let sparse = Loss.sparseCategoricalCrossentropy()(softmax(logits), Tensor([1, 1]))
        #expect(sparse.scalar.isFinite)
        #expect(Swift.abs(sparse.scalar - 1e4) < 1)  // first row is confidently wrong by 2e4 / 2 rows
        #expect(Loss.sparseCategoricalCrossentropy(fromLogits: true)(logits, Tensor([0, 1])).scalar == 0)
        let categorical = Loss.categoricalCrossentropy()(softmax(logits), Tensor([0, 1, 0, 1, 0, 0], shape: [2, 3]))
        #expect(categorical.scalar.isFinite)
        let binary = Loss.binaryCrossentropy()(sigmoid(Tensor([1e4, -1e4])), Tensor([0, 1]))
        #expect(Swift.abs(binary.scalar - 1e4) < 1)
        // Gradients stay finite too.
        let p = Parameter(logits)
        Loss.sparseCategoricalCrossentropy()(softmax(p.tensor), Tensor([1, 2])).backward()
        #expect(p.grad!.scalars.allSatisfy { $0.isFinite })
    }

    @Test func gradients() {
        let logits = random([4, 5], seed: 1, in: -3...3)
        let labels = Tensor([0, 4, 2, 2])
        checkGradients([logits]) { Loss.sparseCategoricalCrossentropy(fromLogits: true)($0[0], labels) }
        checkGradients([logits]) { Loss.sparseCategoricalCrossentropy()(softmax($0[0]), labels) }
        checkGradients([logits]) { Loss.categoricalCrossentropy()(softmax($0[0]), Tensor(oneHot: labels, classes: 5)) }
        let targets = Tensor([1, 0, 1, 1, 0, 0, 1, 0], shape: [4, 2])
        checkGradients([random([4, 2], seed: 2, in: -3...3)]) {
            Loss.binaryCrossentropy(fromLogits: true)($0[0], targets)
        }
        checkGradients([random([4, 2], seed: 3, in: 0.1...0.9)]) { Loss.binaryCrossentropy()($0[0], targets) }
        checkGradients([random([4, 2], seed: 4)]) { Loss.meanSquaredError($0[0], targets) }
        checkGradients([random([4, 2], seed: 4)]) { Loss.meanAbsoluteError($0[0], targets) }
    }
}
