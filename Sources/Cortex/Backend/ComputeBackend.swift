import COpenBLAS
import Dispatch

/// The seam between Cortex's kernels and the machine: matrix products, threads and scratch
/// memory are chosen here and nowhere else.
///
/// Kernels (`Kernels/`) call the current backend for every BLAS product and for running the
/// chunks of a `ParallelLoop`; everything else they do is plain loops over buffers. Another BLAS
/// or an accelerator would be one more conforming type assigned to ``Backend/current``.
protocol ComputeBackend: AnyObject, Sendable {
    /// A short name for diagnostics.
    var name: String { get }

    /// Row-major `C = alpha * op(A) * op(B) + beta * C` with op(A) `[m, k]`, op(B) `[k, n]`,
    /// on the calling thread.
    func sgemm(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int)

    /// The double-precision product, on the calling thread (classical models).
    func dgemm(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double,
        _ c: UnsafeMutablePointer<Double>, _ ldc: Int)

    /// `C = alpha * Aᵀ A + beta * C` for row-major A `[k, n]`, upper triangle of C `[n, n]`.
    func dsyrkUpperTransposed(
        _ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int, _ beta: Double,
        _ c: UnsafeMutablePointer<Double>, _ ldc: Int)

    /// Runs `body(chunk)` for every chunk in `0..<chunks` on the calling thread and up to
    /// `threads - 1` helper threads, returning when all are done.
    func run(chunks: Int, threads: Int, _ body: (Int) -> Void)

    /// Runs `body` with an uninitialized scratch buffer of `count` floats, valid for the call.
    func withScratch<R>(_ count: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R
}

/// The backend in use.
enum Backend {
    /// OpenBLAS (kernels chosen for this CPU by `BLASRuntime`) and Cortex's worker threads.
    static let current: any ComputeBackend = CPUBackend()
}

/// OpenBLAS, single-threaded under Cortex's own work splitting, and `WorkerPool` threads.
final class CPUBackend: ComputeBackend {
    var name: String { "OpenBLAS (\(BLASRuntime.info.core))" }

    init() {}

    @inline(__always)
    func sgemm(
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

    func dgemm(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double,
        _ c: UnsafeMutablePointer<Double>, _ ldc: Int
    ) {
        BLASRuntime.prepare()
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    func dsyrkUpperTransposed(
        _ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int, _ beta: Double,
        _ c: UnsafeMutablePointer<Double>, _ ldc: Int
    ) {
        BLASRuntime.prepare()
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
    }

    func run(chunks: Int, threads: Int, _ body: (Int) -> Void) {
        // The spinning helpers when they are free; Dispatch for nested or concurrent calls. The
        // body is not @Sendable: each chunk touches its own part of the buffers, and this call
        // returns only after every chunk has finished (structured, fork-join).
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            if !WorkerPool.shared(helpers: Swift.max(threads, chunks) - 1).run(chunks, { shared.value($0) }) {
                DispatchQueue.concurrentPerform(iterations: chunks) { shared.value($0) }
            }
        }
    }

    func withScratch<R>(_ count: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        // malloc keeps freed blocks in the process (BLASRuntime's mallopt settings), so this is a
        // cheap reuse of the previous step's buffers rather than fresh pages.
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(count, 1))
        defer { buffer.deallocate() }
        return body(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
    }
}

/// Carries a value across the fork-join boundary of `ComputeBackend.run`, whose chunks the
/// caller keeps apart by construction.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
