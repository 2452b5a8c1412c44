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
            let chunks = parallelIndexedChunks(1_000) { _, range in
                for i in range { counts[i] += 1 }
            }
            #expect(chunks == Swift.min(Cortex.threadCount, 1_000))
        }
        #expect(seen.allSatisfy { $0 == 1 })
    }
}
