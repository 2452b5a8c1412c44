import Cortex
import CortexDistributed
import Foundation

/// Allreduce, broadcast, allgather, barrier and failure agreement, checked against values each
/// rank computes on its own. Values are small multiples of 0.5, so sums are exact in Float.
func runCollectiveChecks(_ checker: Checker) throws {
    let comm = checker.comm
    let (rank, size) = (comm.rank, comm.size)

    try checker.check("rank, size, ranks per host and threads per rank") {
        let expected = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) ?? 1
        checker.expect(size == expected, "size \(size), launcher says \(expected)")
        var ranks = [Int](repeating: 0, count: size)
        ranks[rank] = rank + 1
        try comm.allreduce(&ranks, .sum)
        checker.expect(ranks == Array(1...size), "ranks seen by all: \(ranks)")
        // One host: every rank is local, numbered as in the job.
        checker.expect(comm.localSize == size && comm.localRank == rank, "local \(comm.localRank) of \(comm.localSize)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if ProcessInfo.processInfo.environment["CORTEX_NUM_THREADS"] == nil && size > 1 {
            checker.expect(
                Cortex.threadCount == max(1, cores / size),
                "threadCount \(Cortex.threadCount) with \(size) ranks on \(cores) cores")
        }
    }

    try checker.check("allreduceSum Float, 20 MB in place") {
        let count = 5_000_000
        var values = (0..<count).map { Float($0 % 97) * 0.5 + Float(rank) }
        try comm.allreduceSum(&values)
        let rankSum = Float(size * (size - 1) / 2)
        let bad = (0..<count).first { values[$0] != Float($0 % 97) * 0.5 * Float(size) + rankSum }
        checker.expect(bad == nil, "element \(bad ?? 0) is \(values[bad ?? 0])")
    }

    try checker.check("allreduceSum gives every rank the same bits (rounded sums, 4 KB to 20 MB)") {
        for count in [1000, 100_000, 5_000_000] {
            var rng = RandomGenerator(seed: UInt64(rank + 1))
            var values = Tensor.randomNormal([count], using: &rng).scalars
            try comm.allreduceSum(&values)
            let bits = values.reduce(UInt64(0)) { $0 &* 1_000_003 &+ UInt64($1.bitPattern) }
            let hashes = try comm.allgather(bits)
            checker.expect(Set(hashes).count == 1, "\(count) floats: sums differ across ranks \(hashes)")
        }
    }

    try checker.check("allreduceSum Double and unsafe buffers") {
        var values = (0..<1000).map { Double($0) * 0.25 - Double(rank) }
        try values.withUnsafeMutableBufferPointer { try comm.allreduceSum($0) }
        let rankSum = Double(size * (size - 1) / 2)
        checker.expect(
            values == (0..<1000).map { Double($0) * 0.25 * Double(size) - rankSum }, "Double sums wrong")
        var empty: [Float] = []
        try comm.allreduceSum(&empty)
    }

    try checker.check("allreduce Int minimum, maximum and sum") {
        var low = [rank, -rank, 7]
        var high = low
        var total = low
        try comm.allreduce(&low, .minimum)
        try comm.allreduce(&high, .maximum)
        try comm.allreduce(&total, .sum)
        checker.expect(low == [0, -(size - 1), 7], "minimum \(low)")
        checker.expect(high == [size - 1, 0, 7], "maximum \(high)")
        checker.expect(total == [size * (size - 1) / 2, -size * (size - 1) / 2, 7 * size], "sum \(total)")
    }

    try checker.check("broadcast buffers from the last rank") {
        let root = size - 1
        var values = rank == root ? (0..<4096).map { Float($0) * 1.5 } : [Float](repeating: -1, count: 4096)
        try comm.broadcast(&values, from: root)
        checker.expect(values == (0..<4096).map { Float($0) * 1.5 }, "Float broadcast wrong")
        var integers = rank == root ? [1, 2, 3] : [0, 0, 0]
        try comm.broadcast(&integers, from: root)
        checker.expect(integers == [1, 2, 3], "Int broadcast gave \(integers)")
    }

    try checker.check("broadcast payloads of a length only the root knows") {
        let root = size - 1
        let payload = rank == root ? Array("payload from rank \(root): é✓".utf8) : []
        let received = try comm.broadcast(bytes: payload, from: root)
        checker.expect(
            String(decoding: received, as: UTF8.self) == "payload from rank \(root): é✓", "bytes: \(received)")
        let text = try comm.broadcast(rank == 0 ? "hello" : "ignored", from: 0)
        checker.expect(text == "hello", "string: \(text)")
        let nothing = try comm.broadcast(bytes: [], from: 0)
        checker.expect(nothing.isEmpty, "empty payload arrived as \(nothing.count) bytes")
        checker.expectError("a root outside the job", containing: ["root must be in 0..<\(size)"]) {
            _ = try comm.broadcast(bytes: [], from: size)
        }
    }

    try checker.check("allgather and barrier") {
        let gathered = try comm.allgather(UInt64(rank * 10 + 3))
        checker.expect(gathered == (0..<size).map { UInt64($0 * 10 + 3) }, "gathered \(gathered)")
        try comm.barrier()
    }

    try checker.check("agree: no failure returns, a failure on the last rank throws everywhere") {
        try comm.agree(error: nil)
        let value = try comm.agree { 41 + 1 }
        checker.expect(value == 42, "agree(_:) returned \(value)")
        let failing = size - 1
        let error = CortexError(.invalidFile, "shard-\(failing).npy: no such file")
        do {
            try comm.agree(error: rank == failing ? error : nil)
            checker.expect(false, "agree returned although rank \(failing) failed")
        } catch let thrown as CortexError {
            if rank == failing {
                checker.expect(thrown == error, "the failing rank should rethrow its own error, got \(thrown)")
            } else {
                checker.expect(thrown.kind == .invalidFile, "kind \(thrown.kind), expected the failed rank's")
                checker.expect(
                    thrown.message.hasPrefix("rank \(failing) of \(size) (")
                        && thrown.message.hasSuffix("failed: shard-\(failing).npy: no such file"),
                    "message: \(thrown.message)")
            }
        }
        // Every rank but 0 fails: rank 0 names the lowest (1) and lists the others; a plain
        // Swift error arrives as its description, with kind .distributed.
        if size > 1 {
            struct MissingShard: Error, CustomStringConvertible {
                let rank: Int
                var description: String { "cannot open shard \(rank)" }
            }
            do {
                let value = try comm.agree { () throws -> Int in
                    if rank > 0 { throw MissingShard(rank: rank) }
                    return 0
                }
                checker.expect(false, "agree(_:) returned \(value) although ranks 1... failed")
            } catch let thrown as CortexError {
                checker.expect(rank == 0, "rank \(rank) should rethrow its own error, got \(thrown)")
                let others = (2..<size).map(String.init).joined(separator: ", ")
                let tail = size == 2 ? "" : " (rank\(size > 3 ? "s" : "") \(others) failed too)"
                checker.expect(thrown.kind == .distributed, "kind \(thrown.kind)")
                checker.expect(
                    thrown.message.hasSuffix("failed: cannot open shard 1\(tail)")
                        && thrown.message.hasPrefix("rank 1 of \(size)"),
                    "message: \(thrown.message)")
            } catch let thrown as MissingShard {
                checker.expect(rank > 0 && thrown.rank == rank, "rank \(rank) got \(thrown)")
            }
        }
    }
}
