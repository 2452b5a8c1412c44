import COpenBLAS
import Dispatch
import Foundation

/// Library-wide settings.
public enum Cortex {
    nonisolated(unsafe) private static var _threadCount: Int = {
        let fromEnvironment = ProcessInfo.processInfo.environment["CORTEX_NUM_THREADS"].flatMap(Int.init)
        BLASRuntime.prepare()
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
    func chunk(_ t: Int) {
        let start = count * t / threads, end = count * (t + 1) / threads
        if start < end { body(t, start..<end) }
    }
    // The spinning helpers when they are free; Dispatch for nested or concurrent calls.
    if !WorkerPool.shared(helpers: Cortex.threadCount - 1).run(threads, chunk) {
        withoutActuallyEscaping(chunk) { chunk in DispatchQueue.concurrentPerform(iterations: threads, execute: chunk) }
    }
    return threads
}

/// The number of items per block, at most `largest` (at least 1), for work that threads take
/// as contiguous runs of blocks: the size that leaves the busiest thread the fewest items,
/// the largest such size on ties (32 images in blocks of 3 give one thread 18, in blocks of 2
/// each thread 16).
func balancedBlockSize(items: Int, largest: Int, threads: Int = Cortex.threadCount) -> Int {
    // Items on the busiest thread when blocks are split as `parallelIndexedChunks` splits them.
    func busiest(_ size: Int) -> Int {
        let blocks = (items + size - 1) / size
        let chunks = Swift.max(1, Swift.min(threads, blocks))
        var most = 0
        for t in 0..<chunks {
            most = Swift.max(most, Swift.min(blocks * (t + 1) / chunks * size, items) - blocks * t / chunks * size)
        }
        return most
    }
    let upper = Swift.max(1, Swift.min(items, largest))
    return (1...upper).min { (busiest($0), -$0) < (busiest($1), -$1) }!
}
