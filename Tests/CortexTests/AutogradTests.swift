import Testing

@testable import Cortex

@Suite struct AutogradTests {
    @Test func apiExampleGradient() {
        var rng = RandomGenerator(seed: 1)
        let w = Parameter(Tensor.randomNormal([3, 1], using: &rng))
        let x = Tensor.randomNormal([8, 3], using: &rng)
        let loss = (matmul(x, w.tensor) - 1).squared().mean()
        loss.backward()
        // d/dw mean((xw - 1)^2) = 2/n xᵀ(xw - 1)
        let residual = matmul(x, w.value) - 1
        let expected = matmul(x, residual, transposeA: true) * (2 / 8)
        expectClose(w.grad!, expected, tolerance: 1e-5)
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test func fanOutAccumulates() {
        let p = Parameter(Tensor([1, 2, 3]))
        let x = p.tensor
        let y = (x * x + x * 3 + exp(x) * x).sum()  // x used several times
        y.backward()
        let expected = [1, 2, 3].map { (v: Float) in 2 * v + 3 + expf(v) * (1 + v) }
        expectClose(p.grad!.scalars, expected, tolerance: 1e-5)
        checkGradients([Tensor([0.5, -1, 2])]) { x in (x[0] * x[0] + sigmoid(x[0]) * x[0]).sum(alongAxes: [0]) }
    }

    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let p = Parameter(Tensor([2]))
        (p.tensor * 3).sum().backward()
        (p.tensor * 4).sum().backward()
        #expect(p.grad!.scalars == [7])
    }

    @Test func withoutGradientsRecordsNothing() {
        let p = Parameter(Tensor([1, 2]))
        let y = withoutGradients { (p.tensor * 2).sum() }
        #expect(!y.isTracked)
        #expect(((p.tensor * 2).sum()).isTracked)
        #expect(!(Tensor([1]) * 2).isTracked)
    }

    @Test func graphIsReleasedAfterBackward() {
        weak var node: GradNode?
        let p = Parameter(Tensor([1, 2, 3]))
        let loss: Tensor = {
            let hidden = p.tensor * 2
            node = hidden.node
            return hidden.sum()
        }()
        #expect(node != nil)
        loss.backward()
        #expect(node == nil)
    }

    @Test func untrackedParametersGetNoGradient() {
        let p = Parameter(Tensor([1]), isTrainable: false), q = Parameter(Tensor([2]))
        (p.tensor * q.tensor).sum().backward()
        #expect(p.grad == nil)
        #expect(q.grad!.scalars == [1])
    }
}

import Foundation
