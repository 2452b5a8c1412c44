import COpenBLAS
import Dispatch
import Foundation

/// Library-wide settings.
public enum Cortex {
    nonisolated(unsafe) private static var _threadCount: Int = {
        let fromEnvironment = ProcessInfo.processInfo.environment["CORTEX_NUM_THREADS"].flatMap(Int.init)
        configureProcess()
        return max(1, fromEnvironment ?? ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// How many threads Cortex's parallel loops and matrix products use.
    ///
    /// Defaults to the environment variable `CORTEX_NUM_THREADS`, else the number of cores.
    /// `1` gives single-threaded, bit-reproducible runs.
    public static var threadCount: Int {
        get { _threadCount }
        set { _threadCount = max(1, newValue) }
    }

    /// OpenBLAS runs single-threaded under Cortex's own work splitting (see `sgemm`), and
    /// freed buffers stay in the process so that the next training step reuses them instead of
    /// faulting fresh pages in (docs/performance.md).
    private static func configureProcess() {
        openblas_set_num_threads(1)
        mallopt(M_MMAP_THRESHOLD, 1 << 30)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks, one per thread.
///
/// Work below `minimumPerThread` items per thread runs inline: waking threads costs more.
@inline(__always)
func parallelChunks(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    parallelIndexedChunks(count, minimumPerThread: minimumPerThread) { _, range in body(range) }
}

/// Like `parallelChunks`, but also passes the chunk's index (`0..<chunks`), for per-thread
/// scratch buffers and partial sums. Returns the number of chunks used.
@discardableResult
func parallelIndexedChunks(_ count: Int, minimumPerThread: Int = 1, _ body: (Int, Range<Int>) -> Void) -> Int {
    let threads = min(Cortex.threadCount, count / max(1, minimumPerThread))
    if threads <= 1 {
        if count > 0 { body(0, 0..<count) }
        return count > 0 ? 1 : 0
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = count * t / threads, end = count * (t + 1) / threads
            if start < end { body(t, start..<end) }
        }
    }
    return threads
}
