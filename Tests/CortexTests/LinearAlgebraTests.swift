import Testing

@testable import Cortex

/// Straightforward triple loop used as the reference.
func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
    return c
}

@Suite struct LinearAlgebraTests {
    @Test func matmulValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([7, 8, 9, 10, 11, 12], shape: [3, 2])
        #expect(matmul(a, b).scalars == [58, 64, 139, 154])
        #expect(matmul(a, a, transposeB: true).scalars == [14, 32, 32, 77])
        #expect(matmul(a, a, transposeA: true).shape == [3, 3])
        #expect(matmul(b, a, transposeA: true, transposeB: true).scalars == matmul(a, b).transposed().scalars)
        let x = random([5, 7], seed: 1), y = random([7, 3], seed: 2)
        expectClose(matmul(x, y).scalars, naiveMatmul(x.scalars, y.scalars, m: 5, n: 3, k: 7))
    }

    @Test func batchedMatmul() {
        let a = random([2, 3, 4], seed: 3), b = random([2, 4, 5], seed: 4), w = random([4, 5], seed: 5)
        let c = matmul(a, b)
        #expect(c.shape == [2, 3, 5])
        for i in 0..<2 {
            expectClose(c[i].scalars, naiveMatmul(a[i].scalars, b[i].scalars, m: 3, n: 5, k: 4))
        }
        let folded = matmul(a, w)
        #expect(folded.shape == [2, 3, 5])
        expectClose(folded[1].scalars, naiveMatmul(a[1].scalars, w.scalars, m: 3, n: 5, k: 4))
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmulGradients(transposeA: Bool, transposeB: Bool) {
        let a = random(transposeA ? [4, 3] : [3, 4], seed: 6)
        let b = random(transposeB ? [5, 4] : [4, 5], seed: 7)
        checkGradients([a, b]) { matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
    }

    @Test func batchedGradients() {
        checkGradients([random([2, 3, 4], seed: 8), random([2, 4, 2], seed: 9)]) { matmul($0[0], $0[1]) }
        checkGradients([random([2, 3, 4], seed: 8), random([4, 2], seed: 9)]) { matmul($0[0], $0[1]) }
    }
}
