import COpenBLAS
import Dispatch
import Foundation

/// Library-wide settings.
public enum Cortex {
    nonisolated(unsafe) private static var _threadCount: Int = {
        let fromEnvironment = ProcessInfo.processInfo.environment["CORTEX_NUM_THREADS"].flatMap(Int.init)
        let count = max(1, fromEnvironment ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(Int32(count))
        return count
    }()

    /// How many threads OpenBLAS and Cortex's own parallel loops use.
    ///
    /// Defaults to the environment variable `CORTEX_NUM_THREADS`, else the number of cores.
    /// `1` gives single-threaded, bit-reproducible runs.
    public static var threadCount: Int {
        get { _threadCount }
        set {
            _threadCount = max(1, newValue)
            openblas_set_num_threads(Int32(_threadCount))
        }
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks, one per thread.
///
/// Work below `minimumPerThread` items per thread runs inline: waking threads costs more.
@inline(__always)
func parallelChunks(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = min(Cortex.threadCount, count / max(1, minimumPerThread))
    if threads <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = count * t / threads, end = count * (t + 1) / threads
            if start < end { body(start..<end) }
        }
    }
}
