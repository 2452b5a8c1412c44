/// Row-major single-precision GEMM over Cortex's threads: `C = alpha * op(A) * op(B) + beta * C`,
/// where op(A) is `[m, k]`, op(B) is `[k, n]` and C is `[m, n]`.
///
/// The backend's BLAS runs single-threaded; large products are split here over
/// ``Cortex/threadCount`` threads: by rows of C when there are enough, else by columns, else (a
/// long reduction, as in weight gradients) by slices of K summed afterwards. Unlike OpenBLAS's
/// spinning barriers, which collapse on a shared 2-vCPU machine when the other vCPU is busy,
/// the caller never waits for a thread that has not started.
func sgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
    _ b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0 && n > 0 else { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    let backend = Backend.current
    let threads = Cortex.threadCount
    let work = m * n * k
    // Below ~8 MFLOP per thread one call wins: splitting shrinks OpenBLAS's blocks and waking
    // workers costs microseconds (measured: 32x64x2304 ran faster on one thread than split).
    // A matrix-vector product reads each element of A once, so it is memory-bound and pays off
    // from ~1 MB of A per thread.
    let isMatrixVector = n == 1 || m == 1
    guard threads > 1 && work >= (isMatrixVector ? 262_144 : 4_000_000) * threads else {
        backend.sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    if m >= 16 * threads {
        ParallelLoop(count: m, threads: threads).run { _, rows in
            // Rows of op(A): row r starts at a + r*lda untransposed, at column r (a + r) transposed.
            let aStart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
            backend.sgemm(
                transposeA, transposeB, rows.count, n, k, alpha, aStart, lda, b, ldb, beta,
                c + rows.lowerBound * ldc, ldc)
        }
    } else if n >= 16 * threads {
        ParallelLoop(count: n, threads: threads).run { _, cols in
            let bStart = transposeB ? b + cols.lowerBound * ldb : b + cols.lowerBound
            backend.sgemm(
                transposeA, transposeB, m, cols.count, k, alpha, a, lda, bStart, ldb, beta, c + cols.lowerBound, ldc)
        }
    } else {
        // Split the reduction: each chunk computes a partial product; the partials are summed into C.
        let loop = ParallelLoop(count: k, threads: threads)
        var partials = ChunkPartials<Float>(loop, width: m * n)
        partials.withBase { base in
            loop.run { chunk, slice in
                let aStart = transposeA ? a + slice.lowerBound * lda : a + slice.lowerBound
                let bStart = transposeB ? b + slice.lowerBound : b + slice.lowerBound * ldb
                backend.sgemm(
                    transposeA, transposeB, m, n, slice.count, alpha, aStart, lda, bStart, ldb, 0,
                    base + chunk * m * n, n)
            }
        }
        partials.storage.withUnsafeBufferPointer { p in
            for i in 0..<m {
                for j in 0..<n {
                    var s: Float = 0
                    for chunk in 0..<partials.chunks { s += p[chunk * m * n + i * n + j] }
                    c[i * ldc + j] = beta == 0 ? s : s + beta * c[i * ldc + j]
                }
            }
        }
    }
}
