import COpenBLAS

/// Row-major single-precision GEMM: `C = alpha * op(A) * op(B) + beta * C`, where op(A) is
/// `[m, k]`, op(B) is `[k, n]` and C is `[m, n]`.
///
/// OpenBLAS runs single-threaded; Cortex splits large products itself over
/// ``Cortex/threadCount`` threads (`parallelIndexedChunks`): by rows of C when there are
/// enough, else by columns, else (a long reduction, as in weight gradients) by slices of K
/// summed afterwards. Unlike OpenBLAS's spinning barriers, which collapse on a shared 2-vCPU
/// machine when the other vCPU is busy, the caller never waits for a thread that has not started.
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
    let threads = Cortex.threadCount
    let work = m * n * k
    // Below ~8 MFLOP per thread one call wins: splitting shrinks OpenBLAS's blocks and waking
    // workers costs microseconds (measured: 32x64x2304 ran faster on one thread than split).
    // A matrix-vector product reads each element of A once, so it is memory-bound and pays off
    // from ~1 MB of A per thread.
    let isMatrixVector = n == 1 || m == 1
    guard threads > 1 && work >= (isMatrixVector ? 262_144 : 4_000_000) * threads else {
        sgemmSingleThreaded(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    if m >= 16 * threads {
        parallelChunks(m) { rows in
            // Rows of op(A): row r starts at a + r*lda untransposed, at column r (a + r) transposed.
            let aStart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
            sgemmSingleThreaded(
                transposeA, transposeB, rows.count, n, k, alpha, aStart, lda, b, ldb, beta,
                c + rows.lowerBound * ldc, ldc)
        }
    } else if n >= 16 * threads {
        parallelChunks(n) { cols in
            let bStart = transposeB ? b + cols.lowerBound * ldb : b + cols.lowerBound
            sgemmSingleThreaded(
                transposeA, transposeB, m, cols.count, k, alpha, a, lda, bStart, ldb, beta, c + cols.lowerBound, ldc)
        }
    } else {
        // Split the reduction: each worker computes a partial product; the partials are summed into C.
        var partials = [Float](repeating: 0, count: threads * m * n)
        partials.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            parallelIndexedChunks(k) { t, slice in
                let (lo, hi) = (slice.lowerBound, slice.upperBound)
                let aStart = transposeA ? a + lo * lda : a + lo
                let bStart = transposeB ? b + lo : b + lo * ldb
                sgemmSingleThreaded(
                    transposeA, transposeB, m, n, hi - lo, alpha, aStart, lda, bStart, ldb, 0, base + t * m * n, n)
            }
            for i in 0..<m {
                for j in 0..<n {
                    var s: Float = 0
                    for t in 0..<threads { s += base[t * m * n + i * n + j] }
                    c[i * ldc + j] = beta == 0 ? s : s + beta * c[i * ldc + j]
                }
            }
        }
    }
}

/// One OpenBLAS call on the calling thread, for kernels that do their own splitting.
@inline(__always)
func sgemmSingleThreaded(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    BLASRuntime.prepare()
    if n == 1 {
        // A matrix-vector product: GEMV reads A once and skips GEMM's packing.
        let (rows, cols) = transposeA ? (k, m) : (m, k)
        cblas_sgemv(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols), alpha, a, Int32(lda),
            b, Int32(transposeB ? 1 : ldb), beta, c, Int32(ldc))
        return
    }
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
