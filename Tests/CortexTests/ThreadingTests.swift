import Foundation
import Testing

@testable import Cortex

@Suite struct ThreadingTests {
    @Test func blockSizesBalanceThreads() {
        #expect(balancedBlockSize(items: 32, largest: 3, threads: 2) == 2)
        #expect(balancedBlockSize(items: 32, largest: 4, threads: 2) == 4)
        #expect(balancedBlockSize(items: 32, largest: 100, threads: 2) == 16)
        #expect(balancedBlockSize(items: 32, largest: 3, threads: 1) == 3)
        #expect(balancedBlockSize(items: 5, largest: 0, threads: 2) == 1)
        #expect(balancedBlockSize(items: 0, largest: 8, threads: 2) == 1)
    }

    @Test func chunksCoverTheRangeOnce() {
        var seen = [Int](repeating: 0, count: 1_000)
        seen.withUnsafeMutableBufferPointer { counts in
            let loop = ParallelLoop(count: 1_000)
            loop.run { _, range in
                for i in range { counts[i] += 1 }
            }
            #expect(loop.chunks == Swift.min(Cortex.threadCount, 1_000))
        }
        #expect(seen.allSatisfy { $0 == 1 })
    }

    @Test func workerPoolRunsEveryChunkOnce() {
        let pool = WorkerPool.shared(helpers: 2)
        var counts = [Int](repeating: 0, count: 64)
        var rng = RandomGenerator(seed: 5)
        for round in 0..<3_000 {
            let n = rng.nextInt(below: 64) + 1
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<n { c[i] = 0 }
                // Another test may hold this pool (with CORTEX_NUM_THREADS=3): wait for it.
                while !pool.run(n, { i in c[i] += 1 }) {}
                #expect(c[0..<n].allSatisfy { $0 == 1 }, "round \(round)")
            }
            // Let the helpers fall asleep now and then, to cover the wake-up path.
            if round % 500 == 0 { usleep(2_000) }
        }
    }

    @Test func nestedAndConcurrentCallsStillRunEverything() async {
        // A loop inside a parallel loop, from several tasks at once: the pool is busy for all
        // but one caller, which then fall back to Dispatch.
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var total = [Int](repeating: 0, count: 16)
                    _ = total.withUnsafeMutableBufferPointer { outer in
                        ParallelLoop(count: 16).run { _, range in
                            for i in range {
                                var inner = [Int](repeating: 0, count: 100)
                                inner.withUnsafeMutableBufferPointer { p in
                                    parallelChunks(100) { r in for j in r { p[j] = 1 } }
                                }
                                outer[i] = inner.reduce(0, +)
                            }
                        }
                    }
                    return total.reduce(0, +)
                }
            }
            for await total in group { #expect(total == 1_600) }
        }
    }

    /// Regression: changing `Cortex.threadCount` from another thread while a model trains
    /// corrupted the heap (partial-sum buffers sized from one reading, indexed by another).
    @Test func threadCountChangesDuringTrainingAreSafe() throws {
        let helper = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("ThreadCountStress")
        guard FileManager.default.isExecutableFile(atPath: helper.path) else {
            Issue.record("ThreadCountStress not found at \(helper.path)")
            return
        }
        let process = Process()
        process.executableURL = helper
        process.arguments = ["4"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(output)")
        #expect(output.contains("while threadCount changed"), "\(output)")
    }

    /// Each parallel op keeps the split it started with: buffers sized by chunks stay in bounds.
    @Test func loopsKeepTheirSplit() {
        let loop = ParallelLoop(count: 100, threads: 3)
        Cortex.threadCount = Cortex.threadCount  // a change in between must not matter
        var partials = ChunkPartials<Double>(loop, width: 2)
        partials.withBase { base in
            loop.run { chunk, range in
                base[chunk * 2] += Double(range.count)
                base[chunk * 2 + 1] += 1
            }
        }
        var total = [Double](repeating: 0, count: 2)
        total.withUnsafeMutableBufferPointer { partials.sum(into: $0.baseAddress!) }
        #expect(total == [100, 3])
    }
}
