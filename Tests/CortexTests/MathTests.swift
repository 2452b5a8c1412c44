import Foundation
import Testing

@testable import Cortex

@Suite struct MathTests {
    @Test func activationValues() {
        let x = Tensor([-2, -0.5, 0, 0.5, 2])
        #expect(relu(x).scalars == [0, 0, 0, 0.5, 2])
        expectClose(sigmoid(x).scalars, x.scalars.map { 1 / (1 + Foundation.exp(-$0)) })
        expectClose(tanh(x).scalars, x.scalars.map { Foundation.tanh($0) })
        expectClose(exp(x).scalars, x.scalars.map { Foundation.exp($0) })
        expectClose(log(abs(x) + 1).scalars, x.scalars.map { Foundation.log(Swift.abs($0) + 1) })
        expectClose(sqrt(Tensor([4, 9, 2])).scalars, [2, 3, 2.0.squareRoot()].map(Float.init))
        #expect(sigmoid(Tensor([-1e4])).scalar < 1e-30 && sigmoid(Tensor([1e4])).scalar == 1)
        #expect(leakyRelu(x, alpha: 0.1).scalars == [-0.2, -0.05, 0, 0.5, 2])
    }

    @Test func softmaxIsStableAndNormalized() {
        let x = Tensor([1, 2, 3, 1000, 1001, 1002], shape: [2, 3])
        let p = softmax(x)
        let e = [1, 2, 3].map { Foundation.exp(Double($0 - 3)) }
        let expected = e.map { Float($0 / e.reduce(0, +)) }
        expectClose(p.scalars, expected + expected)
        expectClose(logSoftmax(x).scalars, (expected + expected).map { Foundation.log($0) }, tolerance: 1e-5)
        // Along the first axis.
        let q = softmax(Tensor([0, 0, Foundation.log(3), 0], shape: [2, 2]), axis: 0)
        expectClose(q.scalars, [0.25, 0.5, 0.75, 0.5])
        #expect(logSoftmax(Tensor([-1e4, 0, 1e4])).scalars.allSatisfy { $0.isFinite })
    }
}
