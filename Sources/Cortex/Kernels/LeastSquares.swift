import COpenBLAS

/// Double-precision least squares for the classical models, which solve in Double so that
/// their coefficients match a reference to ~1e-6 even on unscaled features.
///
/// The caller supplies the augmented matrix `[A | B]` a block of rows at a time, so the data
/// are converted to Double in cache-sized pieces and never held whole (except by the SVD).
enum LeastSquares {
    enum Method: String, Sendable {
        /// Cholesky factorization of the Gram matrix `AᵀA` built by DSYRK (the normal
        /// equations): one pass over the data, used when `A` is well conditioned.
        case cholesky
        /// Tall-skinny Householder QR (`dgeqrf` per block, then on the stacked R factors).
        case qr
        /// SVD with a cutoff (`dgelsd`): the minimum-norm solution for rank-deficient problems.
        case svd
    }

    /// Writes rows `range` of `[A | B]` (row-major, `cols + outputs` wide) starting at the pointer.
    typealias Fill = (Range<Int>, UnsafeMutablePointer<Double>) -> Void

    /// Beyond this condition number the QR answer is noise; the SVD then drops singular values
    /// below `1 / conditionLimit` of the largest (the data start as Float, so 1e10 is generous).
    static let conditionLimit = 1e10

    /// The largest cond(A) solved by the normal equations. Their relative error grows like
    /// cond(A)² · 1e-16, so up to 1e4 it stays below 1e-8, under Float's resolution; worse
    /// conditioned problems take the QR, whose error grows only like cond(A) · 1e-16.
    static let normalEquationsConditionLimit = 1e4

    /// Rows per block: a block of `[A | B]` in Double stays in the L2 cache.
    static let blockRows = 4096

    /// Solves min ||A X - B|| for A `[rows, cols]` and B `[rows, outputs]`; returns X
    /// `[cols, outputs]` (row-major) and the method used.
    static func solve(
        rows: Int, cols: Int, outputs: Int, allowNormalEquations: Bool = true, fill: Fill
    ) -> ([Double], Method) {
        check(rows >= cols, "least squares needs at least as many rows as columns")
        BLASRuntime.prepare()
        let width = cols + outputs
        if allowNormalEquations, let r = normalEquationsR(rows: rows, cols: cols, width: width, fill: fill) {
            return (backSubstitute(r, cols: cols, outputs: outputs), .cholesky)
        }
        let r = tallSkinnyR(rows: rows, width: width, fill: fill)
        if conditionOfR(r, cols: cols, stride: width) < conditionLimit {
            return (backSubstitute(r, cols: cols, outputs: outputs), .qr)
        }
        return (minimumNorm(rows: rows, cols: cols, outputs: outputs, fill: fill), .svd)
    }

    /// The rows of block `index` when `rows` are cut into blocks of `blockRows`.
    private static func block(_ index: Int, rows: Int) -> Range<Int> {
        index * blockRows..<Swift.min((index + 1) * blockRows, rows)
    }

    /// The split of the row blocks over threads.
    private static func blockLoop(rows: Int) -> ParallelLoop {
        ParallelLoop(count: (rows + blockRows - 1) / blockRows)
    }

    /// Runs `body` over the row blocks of `loop`, each chunk with its own Double buffer holding
    /// the block's `[A | B]`.
    private static func forEachBlock(
        _ loop: ParallelLoop, rows: Int, width: Int, fill: Fill,
        _ body: (_ chunk: Int, _ block: Int, _ data: UnsafeMutablePointer<Double>) -> Void
    ) {
        loop.run { thread, range in
            var buffer = [Double](unsafeUninitializedCapacity: blockRows * width) { _, c in c = blockRows * width }
            buffer.withUnsafeMutableBufferPointer { data in
                for index in range {
                    fill(block(index, rows: rows), data.baseAddress!)
                    body(thread, index, data.baseAddress!)
                }
            }
        }
    }

    /// `[R | Qᵀ B]` from the Cholesky factor of `[A | B]ᵀ[A | B]`, or nil when `A` is too ill
    /// conditioned (or singular) for the normal equations.
    private static func normalEquationsR(rows: Int, cols: Int, width: Int, fill: Fill) -> [Double]? {
        let size = width * width
        let loop = blockLoop(rows: rows)
        var partials = ChunkPartials<Double>(loop, width: size)
        let backend = Backend.current
        partials.withBase { p in
            forEachBlock(loop, rows: rows, width: width, fill: fill) { chunk, index, data in
                // Upper triangle of the Gram matrix += blockᵀ · block.
                backend.dsyrkUpperTransposed(
                    width, block(index, rows: rows).count, 1, data, width, 1, p + chunk * size, width)
            }
        }
        var gram = [Double](repeating: 0, count: size)
        gram.withUnsafeMutableBufferPointer { partials.sum(into: $0.baseAddress!) }
        // The 1-norm of the symmetric AᵀA block, for the condition estimate.
        var norm = 0.0
        for j in 0..<cols {
            var column = 0.0
            for i in 0..<cols { column += Swift.abs(i <= j ? gram[i * width + j] : gram[j * width + i]) }
            norm = Swift.max(norm, column)
        }
        let upper = CChar(UInt8(ascii: "U"))
        guard LAPACKE_dpotrf(LAPACK_ROW_MAJOR, upper, Int32(cols), &gram, Int32(width)) == 0 else { return nil }
        var reciprocalCondition = 0.0
        guard LAPACKE_dpocon(LAPACK_ROW_MAJOR, upper, Int32(cols), gram, Int32(width), norm, &reciprocalCondition) == 0,
            reciprocalCondition * normalEquationsConditionLimit * normalEquationsConditionLimit > 1
        else { return nil }
        // Rᵀ z = Aᵀ B (the Gram matrix's last columns) gives z = Qᵀ B in place.
        for o in cols..<width {
            for i in 0..<cols {
                var s = gram[i * width + o]
                for j in 0..<i { s -= gram[j * width + i] * gram[j * width + o] }
                gram[i * width + o] = s / gram[i * width + i]
            }
        }
        return gram
    }

    /// `[R | Qᵀ B]` by tall-skinny QR: each block of rows is factored in cache, the blocks'
    /// R factors are stacked and factored again. Factoring `[A | B]` rather than `A` leaves
    /// `Qᵀ B` in R's last columns, so no Q is ever formed.
    private static func tallSkinnyR(rows: Int, width: Int, fill: Fill) -> [Double] {
        let blocks = (rows + blockRows - 1) / blockRows
        var stacked = [Double](repeating: 0, count: blocks * width * width)
        stacked.withUnsafeMutableBufferPointer { r in
            forEachBlock(blockLoop(rows: rows), rows: rows, width: width, fill: fill) { _, index, data in
                let count = block(index, rows: rows).count
                var tau = [Double](repeating: 0, count: width)
                let info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(count), Int32(width), data, Int32(width), &tau)
                check(info == 0, "dgeqrf failed with info \(info)")
                for i in 0..<Swift.min(count, width) {
                    for j in i..<width { r[(index * width + i) * width + j] = data[i * width + j] }
                }
            }
        }
        if blocks > 1 {
            var tau = [Double](repeating: 0, count: width)
            let info = LAPACKE_dgeqrf(
                LAPACK_ROW_MAJOR, Int32(blocks * width), Int32(width), &stacked, Int32(width), &tau)
            check(info == 0, "dgeqrf failed with info \(info)")
        }
        return stacked
    }

    /// The minimum-norm solution by `dgelsd`, which needs the whole matrix at once.
    private static func minimumNorm(rows: Int, cols: Int, outputs: Int, fill: Fill) -> [Double] {
        let width = cols + outputs
        var all = [Double](unsafeUninitializedCapacity: rows * width) { _, c in c = rows * width }
        var singular = [Double](repeating: 0, count: cols)
        var rank: Int32 = 0
        let info = all.withUnsafeMutableBufferPointer { a in
            fill(0..<rows, a.baseAddress!)
            return LAPACKE_dgelsd(
                LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), Int32(outputs), a.baseAddress, Int32(width),
                a.baseAddress! + cols, Int32(width), &singular, 1 / conditionLimit, &rank)
        }
        check(info == 0, "dgelsd did not converge (info \(info))")
        var x = [Double](repeating: 0, count: cols * outputs)
        for i in 0..<cols { for o in 0..<outputs { x[i * outputs + o] = all[i * width + cols + o] } }
        return x
    }

    /// Solves R[0..<cols, 0..<cols] X = R[0..<cols, cols...] by back substitution.
    private static func backSubstitute(_ r: [Double], cols: Int, outputs: Int) -> [Double] {
        let width = cols + outputs
        var x = [Double](repeating: 0, count: cols * outputs)
        for o in 0..<outputs {
            for i in stride(from: cols - 1, through: 0, by: -1) {
                var s = r[i * width + cols + o]
                for j in (i + 1)..<cols { s -= r[i * width + j] * x[j * outputs + o] }
                x[i * outputs + o] = s / r[i * width + i]
            }
        }
        return x
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
