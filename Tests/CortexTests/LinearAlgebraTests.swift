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
    func matrixVectorProducts(transposeA: Bool, transposeB: Bool) {
        // n == 1 runs through GEMV; check values for every transpose case (gradients: OpTable).
        let a = random(transposeA ? [7, 5] : [5, 7], seed: 10), b = random(transposeB ? [1, 7] : [7, 1], seed: 11)
        let plainA = transposeA ? a.transposed() : a, plainB = transposeB ? b.transposed() : b
        expectClose(
            matmul(a, b, transposeA: transposeA, transposeB: transposeB).scalars,
            naiveMatmul(plainA.scalars, plainB.scalars, m: 5, n: 1, k: 7))
        let tall = random([3000, 4], seed: 12), w = random([4, 1], seed: 13)
        expectClose(matmul(tall, w).scalars, naiveMatmul(tall.scalars, w.scalars, m: 3000, n: 1, k: 4), tolerance: 1e-4)
        expectClose(
            matmul(tall, matmul(tall, w), transposeA: true).scalars,
            naiveMatmul(
                tall.transposed().scalars, naiveMatmul(tall.scalars, w.scalars, m: 3000, n: 1, k: 4), m: 4, n: 1,
                k: 3000),
            tolerance: 1e-3)
    }

    @Test func largeMatrixVectorProductsSplitAcrossThreads() {
        // Large enough for the row split and, transposed, the split of the reduction.
        let a = random([100_000, 100], seed: 14), v = random([100, 1], seed: 15), u = random([100_000, 1], seed: 16)
        let av = matmul(a, v).scalars, atu = matmul(a, u, transposeA: true).scalars
        let (x, y, z) = (a.scalars, v.scalars, u.scalars)
        for row in [0, 49_999, 50_000, 99_999] {
            var s = 0.0
            for j in 0..<100 { s += Double(x[row * 100 + j]) * Double(y[j]) }
            #expect(Swift.abs(Double(av[row]) - s) < 1e-4)
        }
        for column in [0, 31, 99] {
            var s = 0.0
            for i in 0..<100_000 { s += Double(x[i * 100 + column]) * Double(z[i]) }
            #expect(Swift.abs(Double(atu[column]) - s) < 1e-2 * Swift.max(1, Swift.abs(s)))
        }
    }
}
