import COpenBLAS

/// Double-precision least squares for the classical models, which solve in Double so that
/// their coefficients match a reference to ~1e-6 even on unscaled features.
enum LeastSquares {
    enum Method: String, Sendable {
        /// Householder QR (`dgels`): the fast path for full-rank problems.
        case qr
        /// SVD with a cutoff (`dgelsd`): the minimum-norm solution for rank-deficient problems.
        case svd
    }

    /// Beyond this condition number the QR answer is noise; the SVD then drops singular values
    /// below `1 / conditionLimit` of the largest (the data start as Float, so 1e10 is generous).
    static let conditionLimit = 1e10

    /// Rows per block of the tall-skinny QR: a block of [A | B] stays in the L2 cache.
    static let blockRows = 2048

    /// Solves min ||A X - B|| for row-major A `[rows, cols]` and B `[rows, outputs]`.
    ///
    /// `fill` writes the augmented matrix `[A | B]` (`[rows, cols + outputs]`, row-major) into
    /// the buffer it is given; it is called again for the SVD fallback. Returns X
    /// `[cols, outputs]` and the method used.
    ///
    /// The QR is tall-skinny (TSQR): each block of rows is factored in cache, the blocks' R
    /// factors are stacked and factored again. Factoring `[A | B]` rather than `A` yields
    /// `Qᵀ B` in the last columns of R, so no Q is ever formed.
    static func solve(
        rows: Int, cols: Int, outputs: Int, fill: (UnsafeMutablePointer<Double>) -> Void
    ) -> ([Double], Method) {
        precondition(rows >= cols, "least squares needs at least as many rows as columns")
        let width = cols + outputs
        var buffer = [Double](unsafeUninitializedCapacity: rows * width) { _, c in c = rows * width }
        let blockRows = Swift.max(Self.blockRows, width)
        let blocks = Swift.max(1, rows / blockRows)  // the last block takes the remainder
        var stacked = [Double](repeating: 0, count: blocks * width * width)
        buffer.withUnsafeMutableBufferPointer { all in
            fill(all.baseAddress!)
            stacked.withUnsafeMutableBufferPointer { r in
                parallelChunks(blocks) { range in
                    var tau = [Double](repeating: 0, count: width)
                    for block in range {
                        let start = block * blockRows
                        let count = block == blocks - 1 ? rows - start : blockRows
                        let base = all.baseAddress! + start * width
                        let info = LAPACKE_dgeqrf(
                            LAPACK_ROW_MAJOR, Int32(count), Int32(width), base, Int32(width), &tau)
                        precondition(info == 0, "dgeqrf failed with info \(info)")
                        // Keep the upper triangle of this block's R.
                        let height = Swift.min(count, width)
                        for i in 0..<height {
                            for j in i..<width { r[(block * width + i) * width + j] = base[i * width + j] }
                        }
                    }
                }
            }
        }
        var tau = [Double](repeating: 0, count: width)
        if blocks > 1 {
            let info = LAPACKE_dgeqrf(
                LAPACK_ROW_MAJOR, Int32(blocks * width), Int32(width), &stacked, Int32(width), &tau)
            precondition(info == 0, "dgeqrf failed with info \(info)")
        } else {
            stacked =
                Array(buffer[0..<(Swift.min(rows, width) * width)])
                + [Double](
                    repeating: 0, count: Swift.max(0, width - rows) * width)
        }
        if conditionOfR(stacked, cols: cols, stride: width) < conditionLimit {
            // Back substitution: R[0..<cols, 0..<cols] X = R[0..<cols, cols..<width].
            var x = [Double](repeating: 0, count: cols * outputs)
            for o in 0..<outputs {
                for i in stride(from: cols - 1, through: 0, by: -1) {
                    var s = stacked[i * width + cols + o]
                    for j in (i + 1)..<cols { s -= stacked[i * width + j] * x[j * outputs + o] }
                    x[i * outputs + o] = s / stacked[i * width + i]
                }
            }
            return (x, .qr)
        }
        var singular = [Double](repeating: 0, count: cols)
        var rank: Int32 = 0
        let svdInfo = buffer.withUnsafeMutableBufferPointer { all in
            fill(all.baseAddress!)
            return LAPACKE_dgelsd(
                LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), Int32(outputs), all.baseAddress, Int32(width),
                all.baseAddress! + cols, Int32(width), &singular, 1 / conditionLimit, &rank)
        }
        precondition(svdInfo == 0, "dgelsd did not converge (info \(svdInfo))")
        var x = [Double](repeating: 0, count: cols * outputs)
        for i in 0..<cols { for o in 0..<outputs { x[i * outputs + o] = buffer[i * width + cols + o] } }
        return (x, .svd)
    }

    /// A cheap estimate of cond(R): the ratio of the largest to the smallest |R_ii|.
    private static func conditionOfR(_ r: [Double], cols: Int, stride: Int) -> Double {
        var largest = 0.0, smallest = Double.infinity
        for i in 0..<cols {
            let d = Swift.abs(r[i * stride + i])
            largest = Swift.max(largest, d)
            smallest = Swift.min(smallest, d)
        }
        return smallest == 0 ? .infinity : largest / smallest
    }
}
