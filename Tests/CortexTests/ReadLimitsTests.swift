import Foundation
import Testing

@testable import Cortex

@Suite struct ReadLimitsTests {
    @Test func defaultsAreDocumented() {
        let limits = ReadLimits()
        #expect(limits == .default)
        #expect(limits.maximumBytes == 1 << 30 && limits.maximumElements == 1 << 28)
        #expect(limits.maximumHeaderBytes == 16 << 20)
        #expect(ReadLimits(maximumBytes: -5).maximumBytes == 0)
    }

    /// Issue 19, item 4: sizes that a file claims are checked against the file and the limits
    /// before anything is allocated: a safetensors header claiming 100 MB, a .npy shape of
    /// 2^40 elements, an entry claiming 4.1 GB.
    @Test func claimedSizesAreRefusedBeforeAllocation() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("w.safetensors")
        try Data(safetensorsBytes(headerBytes: Array("{}".utf8), data: [], declaredLength: 100_000_000)).write(to: url)
        let model = try smallDense()
        #expect { try model.loadWeights(from: url) } throws: {
            ($0 as? CortexError)?.description.contains("header length 100000000 exceeds the read limit of 16777216")
                ?? false
        }
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }"
        let npy =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8) + [0, 0, 0, 0]
        #expect { try NumPy.decode(npy, source: "a.npy") } throws: {
            ($0 as? CortexError)?.description.contains("larger than the file") ?? false
        }
    }

    /// A scoped limit applies to its own reads only; the process-wide setting to every thread.
    @Test func scopedAndProcessWideLimits() throws {
        let bytes = try NumPy.encode(Tensor(zeros: [1000]))
        let small = ReadLimits(maximumElements: 999)
        #expect(throws: CortexError.self) { try Cortex.withReadLimits(small) { try NumPy.decode(bytes, source: "a") } }
        #expect(try NumPy.decode(bytes, source: "a").count == 1000)
        #expect(Cortex.withReadLimits(small) { ReadLimits.current } == small)
        #expect(ReadLimits.current == Cortex.readLimits)
    }

    /// Reading the setting while other threads assign it is safe (run under TSan, it reports
    /// nothing: the setting is behind a lock).
    @Test func settingIsSafeFromManyThreads() {
        let saved = Cortex.readLimits
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for j in 0..<2_000 {
                if i % 2 == 0 {
                    Cortex.readLimits = saved
                } else {
                    _ = Cortex.readLimits.maximumBytes + j
                }
            }
        }
        #expect(Cortex.readLimits == saved)
    }

    /// Only regular files are read: FIFOs, devices and directories are refused before anything
    /// is read (a FIFO with no writer would otherwise block the reader forever).
    @Test func specialFilesAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("f.npy")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let model = try smallDense()
        for (url, kind) in [
            (fifo, "a FIFO"), (URL(fileURLWithPath: "/dev/zero"), "a character device"),
            (URL(fileURLWithPath: "/dev/null"), "a character device"), (folder, "a directory"),
        ] {
            for read in [
                { _ = try NumPy.load(url) }, { _ = try NumPy.loadArchive(url) }, { try model.loadWeights(from: url) },
                { _ = try model.loadCheckpoint(from: url) }, { _ = try CSV.load(url) },
            ] as [() throws -> Void] {
                #expect { try read() } throws: {
                    ($0 as? CortexError)?.description.contains("is \(kind), not a regular file") ?? false
                }
            }
        }
        let link = folder.appendingPathComponent("zero.npy")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/dev/zero")
        #expect { try NumPy.load(link) } throws: {
            ($0 as? CortexError)?.description.contains("a character device") ?? false
        }
    }

    @Test func filesAboveTheByteLimitAreNotRead() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.npy")
        try NumPy.save(Tensor(zeros: [1000]), to: url)
        #expect { try Cortex.withReadLimits(ReadLimits(maximumBytes: 4000)) { try NumPy.load(url) } } throws: {
            ($0 as? CortexError)?.description.contains("is 4128 bytes, above the read limit of 4000 bytes") ?? false
        }
    }
}
