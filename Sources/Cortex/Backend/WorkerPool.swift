import Dispatch
import Foundation
import Synchronization

/// Persistent helper threads for `ParallelLoop` (through `CPUBackend`), which spin for a short while after
/// each job before they sleep.
///
/// On this project's 2-vCPU machine a Dispatch worker took 40 to 100 µs or more to start on a
/// `concurrentPerform` (the second half of a 2 x 100 µs job often ran after the first, on the
/// calling thread), so a training step's many sub-millisecond parallel loops gained little from
/// the second core. Helpers that keep spinning for `spinNanoseconds` after a job pick the next
/// one up at once during a step, and sleep between steps. Chunks are claimed from a shared
/// counter, so a helper that is slow to wake never delays the caller: the caller runs whatever
/// no one has claimed.
final class WorkerPool: @unchecked Sendable {
    /// How long a helper looks for new work before it sleeps.
    static let spinNanoseconds: UInt64 = 500_000

    /// The job's generation in the high 32 bits, the next unclaimed chunk in the low 32.
    private let state = Atomic<Int>(0)
    private let completed = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let condition = NSCondition()
    /// More threads than cores: spinning helpers then yield, so they do not starve the caller.
    private let oversubscribed: Bool
    // Written by `run` before it publishes a generation, read by helpers after they see it.
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    nonisolated(unsafe) private var chunks = 0

    /// Starts `helpers` threads that live as long as the process; they keep the pool alive.
    private init(helpers: Int) {
        oversubscribed = helpers + 1 > ProcessInfo.processInfo.activeProcessorCount
        for _ in 0..<helpers {
            let thread = Thread { self.work() }
            thread.stackSize = 1 << 22
            thread.start()
        }
    }

    /// Runs `body(0..<count)` on the calling thread and the helpers; returns false without
    /// running anything when the pool is already running a job (a nested or concurrent call).
    func run(_ count: Int, _ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        withoutActuallyEscaping(body) { body in
            job = body
            chunks = count
            completed.store(0, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> 32) + 1
            state.store(generation << 32, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
            claim(generation: generation)
            // Chunks claimed by helpers are still running: wait, yielding the core after a
            // while in case a helper shares it (more threads than cores).
            // Chunks claimed by helpers are still running. Yielding here cost a quarter of a
            // 2-thread training step (measured), so only with more threads than cores.
            while completed.load(ordering: .acquiring) < count {
                if oversubscribed { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    private func work() {
        var seen = 0
        while true {
            var start = DispatchTime.now().uptimeNanoseconds
            while state.load(ordering: .acquiring) >> 32 == seen {
                if oversubscribed { sched_yield() }
                if DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds {
                    condition.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while state.load(ordering: .sequentiallyConsistent) >> 32 == seen { condition.wait() }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    condition.unlock()
                    start = DispatchTime.now().uptimeNanoseconds
                }
            }
            seen = state.load(ordering: .acquiring) >> 32
            claim(generation: seen)
        }
    }

    /// Runs unclaimed chunks of job `generation` until none is left. A claim is a compare-and-
    /// swap on the whole state, so a helper that still holds an old generation claims nothing,
    /// and the job cannot end (nor `job` change) while a claimed chunk runs.
    private func claim(generation: Int) {
        var current = state.load(ordering: .acquiring)
        while current >> 32 == generation {
            let index = current & 0xFFFF_FFFF
            if index >= chunks { return }
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                job!(index)
                completed.add(1, ordering: .releasing)
                current = state.load(ordering: .acquiring)
            } else {
                current = original
            }
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var pools: [Int: WorkerPool] = [:]

    /// The pool with `helpers` helper threads, created on first use.
    static func shared(helpers: Int) -> WorkerPool {
        lock.lock()
        defer { lock.unlock() }
        if let pool = pools[helpers] { return pool }
        let pool = WorkerPool(helpers: helpers)
        pools[helpers] = pool
        return pool
    }
}
