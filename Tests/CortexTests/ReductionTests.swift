import Testing

@testable import Cortex

@Suite struct ReductionTests {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])

    @Test func values() {
        #expect(a.sum().scalar == 21)
        #expect(a.sum(alongAxes: [0]).shape == [1, 3])
        #expect(a.sum(alongAxes: [0]).scalars == [5, 7, 9])
        #expect(a.sum(squeezingAxes: [1]).scalars == [6, 15])
        #expect(a.sum(squeezingAxes: [1]).shape == [2])
        #expect(a.mean(alongAxes: [1]).scalars == [2, 5])
        #expect(a.mean().scalar == 3.5)
        #expect(a.max(alongAxes: [0]).scalars == [4, 5, 6])
        #expect(a.max(squeezingAxes: [-1]).scalars == [3, 6])
        #expect(a.max().scalar == 6)
        #expect(a.min(alongAxes: [1]).scalars == [1, 4])
        #expect(a.argmax(alongAxis: 1).scalars == [2, 2])
        #expect(a.sum(alongAxes: [0, 1]).shape == [1, 1])
        let big = Tensor((0..<1000).map { Float($0) }, shape: [1000])
        #expect(big.sum().scalar == 499_500)
    }
}
