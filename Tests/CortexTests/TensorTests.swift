import Testing

@testable import Cortex

@Suite struct TensorTests {
    @Test func constructionAndAccessors() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(a.shape == [2, 3])
        #expect(a.count == 6)
        #expect(a.rank == 2)
        #expect(a.scalars == [1, 2, 3, 4, 5, 6])
        #expect(Tensor(zeros: [2, 3]).scalars == [0, 0, 0, 0, 0, 0])
        #expect(Tensor(ones: [3]).scalars == [1, 1, 1])
        #expect(Tensor(5).shape == [])
        #expect(Tensor(5).scalar == 5)
    }

    @Test func valueSemantics() {
        let a = Tensor([1, 2, 3], shape: [3])
        var b = a
        b.withUnsafeMutableBufferPointer { $0[0] = 10 }
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [10, 2, 3])
    }

    @Test func randomTensorsAreReproducibleAndDistributed() {
        var g1 = RandomGenerator(seed: 42), g2 = RandomGenerator(seed: 42)
        let a = Tensor.randomNormal([10_000], mean: 2, standardDeviation: 3, using: &g1)
        let b = Tensor.randomNormal([10_000], mean: 2, standardDeviation: 3, using: &g2)
        #expect(a.scalars == b.scalars)
        let mean = a.mean().scalar
        let std = ((a - mean).squared().mean().scalar).squareRoot()
        #expect(Swift.abs(mean - 2) < 0.1)
        #expect(Swift.abs(std - 3) < 0.1)
        let u = Tensor.randomUniform([10_000], in: -1...1, using: &g1)
        #expect(u.scalars.allSatisfy { $0 >= -1 && $0 < 1 })
        #expect(Swift.abs(u.mean().scalar) < 0.05)
    }
}

@Suite struct RandomGeneratorTests {
    @Test func sameSeedSameSequenceDifferentSeedsDiffer() {
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1), c = RandomGenerator(seed: 2)
        let x = (0..<5).map { _ in a.next() }
        #expect(x == (0..<5).map { _ in b.next() })
        #expect(x != (0..<5).map { _ in c.next() })
    }

    @Test func stateRoundTripsAndFloatsAreInUnitInterval() {
        var a = RandomGenerator(seed: 9)
        _ = a.next()
        var b = RandomGenerator(seed: 0)
        b.state = a.state
        #expect(a.next() == b.next())
        for _ in 0..<1000 {
            let f = a.nextUnitFloat()
            #expect(f >= 0 && f < 1)
        }
    }
}
