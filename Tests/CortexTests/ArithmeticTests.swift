import Testing

@testable import Cortex

@Suite struct ArithmeticTests {
    @Test func broadcastingValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect((a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor([2, 3], shape: [2, 1])).scalars == [2, 4, 6, 12, 15, 18])
        #expect((a - 1).scalars == [0, 1, 2, 3, 4, 5])
        #expect((1 - a).scalars == [0, -1, -2, -3, -4, -5])
        #expect((a / 2).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect((12 / a).scalars == [12, 6, 4, 3, 2.4, 2])
        // [2, 1, 3] with [4, 1] -> [2, 4, 3]
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 1, 3])
        let y = Tensor([0, 10, 20, 30], shape: [4, 1])
        let z = x + y
        #expect(z.shape == [2, 4, 3])
        #expect(Array(z.scalars[0..<6]) == [1, 2, 3, 11, 12, 13])
        #expect(Array(z.scalars[12..<15]) == [4, 5, 6])
        #expect(Array(z.scalars[21..<24]) == [34, 35, 36])
        // Both operands broadcast: [3, 1] * [1, 2] -> [3, 2]
        let outer = Tensor([1, 2, 3], shape: [3, 1]) * Tensor([10, 100], shape: [1, 2])
        #expect(outer.scalars == [10, 100, 20, 200, 30, 300])
        // Middle-axis broadcast: [2, 3, 2] + [2, 1, 2]
        let m = Tensor((0..<12).map(Float.init), shape: [2, 3, 2]) + Tensor([100, 200, 300, 400], shape: [2, 1, 2])
        #expect(Array(m.scalars[0..<6]) == [100, 201, 102, 203, 104, 205])
        #expect(Array(m.scalars[6..<12]) == [306, 407, 308, 409, 310, 411])
    }
}
