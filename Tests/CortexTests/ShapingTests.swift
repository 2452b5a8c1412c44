import Testing

@testable import Cortex

@Suite struct ShapingTests {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])

    @Test func values() {
        #expect(a.reshaped([3, 2]).shape == [3, 2])
        #expect(a.reshaped([-1]).shape == [6])
        #expect(a.transposed().scalars == [1, 4, 2, 5, 3, 6])
        let b = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let t = b.transposed(permutation: [2, 0, 1])
        #expect(t.shape == [4, 2, 3])
        #expect(Array(t.scalars[0..<6]) == [0, 4, 8, 12, 16, 20])
        #expect(a[1].scalars == [4, 5, 6])
        #expect(a[0..<1].shape == [1, 3])
        #expect(a.slice(1..<3, alongAxis: 1).scalars == [2, 3, 5, 6])
        let c = Tensor.concatenating([a, Tensor([7, 8], shape: [2, 1])], alongAxis: 1)
        #expect(c.scalars == [1, 2, 3, 7, 4, 5, 6, 8])
        #expect(Tensor.concatenating([a, a]).shape == [4, 3])
        #expect(a.expandingShape(at: 0).shape == [1, 2, 3])
        #expect(a.expandingShape(at: 0).squeezingShape().shape == [2, 3])
        #expect(a.gatheringRows([1, 0, 1]).scalars == [4, 5, 6, 1, 2, 3, 4, 5, 6])
    }

    /// Regression: `gatheringRows` returned an untracked tensor, so gradients through it were
    /// silently dropped.
    @Test func gatheringRowsPassesGradientsBack() {
        let p = Parameter(Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2]))
        let weights = Tensor([1, 10, 100, 1000, 5, 50], shape: [3, 2])
        (p.tensor.gatheringRows([2, 0, 2]) * weights).sum().backward()
        #expect(p.grad?.scalars == [100, 1000, 0, 0, 6, 60])
    }
}
