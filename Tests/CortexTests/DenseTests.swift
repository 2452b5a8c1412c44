import Testing

@testable import Cortex

@Suite struct DenseTests {
    @Test func forwardMatchesReferenceAndLayout() throws {
        let dense = Dense(units: 3, activation: .relu)
        try dense.build(inputShape: [4])
        #expect(dense.kernel.shape == [4, 3])
        #expect(dense.bias!.shape == [3])
        dense.kernel.value = random([4, 3], seed: 1)
        dense.bias!.value = Tensor([0.1, -0.2, 0.3])
        let x = random([5, 4], seed: 2)
        let y = dense(x)
        var expected = naiveMatmul(x.scalars, dense.kernel.value.scalars, m: 5, n: 3, k: 4)
        for i in expected.indices { expected[i] = max(0, expected[i] + [0.1, -0.2, 0.3][i % 3]) }
        expectClose(y.scalars, expected)
        // Rank-3 input applies to the last axis.
        #expect(dense(random([2, 5, 4], seed: 3)).shape == [2, 5, 3])
    }

    @Test func glorotUniformDefault() throws {
        let dense = Dense(units: 200)
        try dense.build(inputShape: [300])
        let limit = Float((6.0 / 500).squareRoot())
        let w = dense.kernel.value.scalars
        #expect(w.allSatisfy { Swift.abs($0) <= limit })
        let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        #expect(Swift.abs(std - limit / Float(3).squareRoot()) < 0.01 * limit)
        #expect(dense.bias!.value.scalars.allSatisfy { $0 == 0 })
    }

    @Test func rejectsMismatchedInput() throws {
        let dense = Dense(units: 2, name: "dense_1")
        try dense.build(inputShape: [2304])
        #expect(throws: CortexError(.shapeMismatch, "dense_1 expects input [*, 2304] but got [*, 1600]")) {
            try dense.build(inputShape: [1600])
        }
    }
}
