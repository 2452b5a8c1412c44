import Foundation
import HostileFiles
import Testing

@testable import Cortex

@Suite struct CSVTests {
    @Test func loadsBundledTables() throws {
        let iris = try table("iris")
        #expect(iris.features.shape == [150, 4])
        #expect(iris.featureNames.first == "sepal_length_(cm)")
        #expect(Array(iris.features.scalars[0..<4]) == [5.1, 3.5, 1.4, 0.2])
        #expect(Set(iris.target.scalars) == [0, 1, 2])
        #expect(try table("diabetes").features.shape == [442, 10])
    }

    @Test func refusesMalformedFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        for (text, message) in [
            ("a,b\n1,2\n", "no column named \"target\""),
            ("a,target\n1,2\n3\n", "line 3: 1 fields, expected 2"),
            ("a,target\n1,x\n", "column target: \"x\" is not a number"),
            ("a,target\n", "no data rows"),
        ] {
            try text.write(to: url, atomically: true, encoding: .utf8)
            #expect { try CSV.load(url) } throws: { ($0 as? CortexError)?.description.contains(message) ?? false }
        }
    }

    @Test func scalerAndSplit() throws {
        var scaler = StandardScaler()
        let x = Tensor([1, 10, 3, 10, 5, 10], shape: [3, 2])
        let z = try scaler.fitTransform(x)
        expectClose(z.scalars, [-1.2247449, 0, 0, 0, 1.2247449, 0])
        #expect(throws: CortexError.self) { try scaler.transform(Tensor(zeros: [2, 3])) }
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let rows = Tensor((0..<10).map(Float.init), shape: [10, 1])
        let first = try trainTestSplit(rows, rows.reshaped([10]), testFraction: 0.3, using: &a)
        let second = try trainTestSplit(rows, rows.reshaped([10]), testFraction: 0.3, using: &b)
        #expect(first.testX.shape == [3, 1] && first.trainY.shape == [7])
        #expect(first.testY.scalars == second.testY.scalars)
        #expect(Set(first.trainY.scalars + first.testY.scalars).count == 10)
    }

    /// Issue 19, item 10: only plain decimal numbers within Float's range are read; a NUL byte
    /// does not end a field; line numbers count blank lines.
    @Test func fieldsAndLineNumbersAreStrict() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.csv")
        for (text, message) in [
            ("a,target\nnan,1\n", "line 2, column a: \"nan\" is not a number"),
            ("a,target\n1,inf\n", "line 2, column target: \"inf\" is not a number"),
            ("a,target\n-Infinity,1\n", "\"-Infinity\" is not a number"),
            ("a,target\n1e39,1\n", "line 2, column a: 1e39 is beyond Float's range"),
            ("a,target\n1\u{0}5,1\n", "\"1\\x005\" is not a number"),
            ("a,target\n\n1,2\n\n\nx,1\n", "line 6, column a"),
            ("a,target\r\n\r\n1,2\r\n3\r\n", "line 4: 1 fields, expected 2"),
        ] {
            try Data(text.utf8).write(to: url)
            do {
                _ = try CSV.load(url)
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
        try Data("\u{FEFF}a , target\r\n 1e-50 ,\t-2.5E+1\r\n\r\n.5,3.".utf8).write(to: url)
        let table = try CSV.load(url)
        #expect(table.features.scalars == [0, 0.5] && table.target.scalars == [-25, 3] && table.featureNames == ["a"])
    }

    /// Issue 19, items 4 and 10: gzip CSV is read as a stream (a file of newlines costs no
    /// memory), a truncated stream is reported as truncated, and devices and FIFOs are refused
    /// before anything is read (a FIFO with no writer does not hang the reader).
    @Test func streamsAndSpecialFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.csv.gz")
        let rows = "a,target\n" + String(repeating: "1,2\n", count: 2000)
        try Data(gzip(Array(rows.utf8))).write(to: url)
        #expect(try CSV.load(url).target.count == 2000)
        try Data(gzip(Array(rows.utf8)).dropLast(9)).write(to: url)
        #expect { try CSV.load(url) } throws: {
            ($0 as? CortexError)?.description.contains("truncated gzip stream") ?? false
        }
        try Data(gzip([UInt8](repeating: 0x0A, count: 5_000_000))).write(to: url)
        #expect { try CSV.load(url) } throws: { ($0 as? CortexError)?.description.contains("empty file") ?? false }
        #expect { try Cortex.withReadLimits(ReadLimits(maximumBytes: 1 << 20)) { try CSV.load(url) } } throws: {
            ($0 as? CortexError)?.description.contains("more than the read limit of 1048576 bytes once decompressed")
                ?? false
        }
        #expect { try CSV.load(URL(fileURLWithPath: "/dev/zero")) } throws: {
            ($0 as? CortexError)?.description.contains("/dev/zero: is a character device") ?? false
        }
        let fifo = folder.appendingPathComponent("fifo.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect { try CSV.load(fifo) } throws: { ($0 as? CortexError)?.description.contains("is a FIFO") ?? false }
        #expect { try CSV.load(folder) } throws: {
            ($0 as? CortexError)?.description.contains("is a directory") ?? false
        }
        #expect(throws: CortexError.self) { try CSV.load(url, separator: "é") }
    }

    /// Issue 19, item 10: NaN and infinite fractions are refused with an error, not a trap.
    @Test(arguments: [Float.nan, .infinity, -.infinity, 0, 1, -0.5, 1.5])
    func splitRefusesFractionsOutsideTheOpenInterval(fraction: Float) {
        var rng = RandomGenerator(seed: 1)
        let rows = Tensor((0..<10).map(Float.init), shape: [10, 1])
        #expect { try trainTestSplit(rows, rows.reshaped([10]), testFraction: fraction, using: &rng) } throws: {
            ($0 as? CortexError)?.description.contains("testFraction must be in (0, 1), got \(fraction)") ?? false
        }
    }
}
