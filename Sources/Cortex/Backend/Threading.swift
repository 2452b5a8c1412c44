import Dispatch
import Foundation
import Synchronization

/// Library-wide settings.
public enum Cortex {
    private static let threadCountStorage = ThreadCountSetting()

    /// How many threads Cortex's parallel loops and matrix products use.
    ///
    /// Defaults to the environment variable `CORTEX_NUM_THREADS`, else the number of cores.
    /// `1` gives single-threaded, bit-reproducible runs. It may be changed from any thread at
    /// any time, also while a model trains: each parallel operation reads it once, when it
    /// splits its work, and keeps that split to the end.
    public static var threadCount: Int {
        get { threadCountStorage.value }
        set { threadCountStorage.value = newValue }
    }
}

/// The thread count behind `Cortex.threadCount`: an atomic, so that reading it from one thread
/// while another sets it is well defined.
private final class ThreadCountSetting: Sendable {
    private let stored: Atomic<Int>

    init() {
        BLASRuntime.prepare()
        let fromEnvironment = ProcessInfo.processInfo.environment["CORTEX_NUM_THREADS"].flatMap(Int.init)
        stored = Atomic(max(1, fromEnvironment ?? ProcessInfo.processInfo.activeProcessorCount))
    }

    var value: Int {
        get { stored.load(ordering: .relaxed) }
        set { stored.store(max(1, newValue), ordering: .relaxed) }
    }
}

/// Work over `0..<count` split into `chunks` contiguous ranges, one per thread, decided once.
///
/// Everything sized per thread (scratch buffers, partial sums) is sized by ``chunks`` and indexed
/// by the chunk number that ``run(_:)`` passes: the thread count is read only here, so a change
/// of `Cortex.threadCount` from another thread cannot make the two disagree.
struct ParallelLoop {
    /// The number of items.
    let count: Int
    /// The number of chunks, `1...threads` (0 when there are no items).
    let chunks: Int
    /// The thread count this split was made for.
    let threads: Int

    /// Splits `count` items over at most `threads` chunks, each with at least
    /// `minimumPerThread` items (below that, waking a thread costs more than it saves).
    init(count: Int, minimumPerThread: Int = 1, threads: Int = Cortex.threadCount) {
        self.count = count
        self.threads = threads
        chunks = count <= 0 ? 0 : Swift.max(1, Swift.min(threads, count / Swift.max(1, minimumPerThread)))
    }

    /// The items of chunk `index`.
    func range(_ index: Int) -> Range<Int> { (count * index / chunks)..<(count * (index + 1) / chunks) }

    /// Runs `body(chunk, items)` for every chunk, on the calling thread and helpers, and returns
    /// when all are done.
    func run(_ body: (Int, Range<Int>) -> Void) {
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        guard chunks > 1 else { return }
        Backend.current.run(chunks: chunks, threads: threads) { chunk in
            let items = range(chunk)
            if !items.isEmpty { body(chunk, items) }
        }
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks, one per thread, for loops that
/// keep nothing per thread. Work below `minimumPerThread` items per thread runs inline.
@inline(__always)
func parallelChunks(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    ParallelLoop(count: count, minimumPerThread: minimumPerThread).run { _, range in body(range) }
}

/// Per-chunk partial results of a `ParallelLoop`: `width` values per chunk, zeroed, summed in
/// chunk order afterwards (so the result does not depend on which thread ran what).
struct ChunkPartials<Element: FloatingPoint> {
    let width: Int
    let chunks: Int
    private(set) var storage: [Element]

    init(_ loop: ParallelLoop, width: Int) {
        self.width = width
        chunks = Swift.max(loop.chunks, 1)
        storage = [Element](repeating: 0, count: chunks * width)
    }

    /// Runs `body` with the base of the partials; chunk `i` owns `base + i * width`.
    mutating func withBase<R>(_ body: (UnsafeMutablePointer<Element>) -> R) -> R {
        storage.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    /// The sum over chunks, in chunk order, into `out` (`width` values).
    func sum(into out: UnsafeMutablePointer<Element>) {
        storage.withUnsafeBufferPointer { p in
            for j in 0..<width { out[j] = p[j] }
            for chunk in 1..<Swift.max(chunks, 1) {
                let row = p.baseAddress! + chunk * width
                for j in 0..<width { out[j] += row[j] }
            }
        }
    }
}

/// The number of items per block, at most `largest` (at least 1), for work that threads take
/// as contiguous runs of blocks: the size that leaves the busiest thread the fewest items,
/// the largest such size on ties (32 images in blocks of 3 give one thread 18, in blocks of 2
/// each thread 16).
func balancedBlockSize(items: Int, largest: Int, threads: Int = Cortex.threadCount) -> Int {
    // Items on the busiest thread when blocks are split as `ParallelLoop` splits them.
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
