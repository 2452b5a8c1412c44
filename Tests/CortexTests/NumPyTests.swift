import Foundation
import Testing

@testable import Cortex

@Suite struct NumPyTests {
    let matrix: [Float] = [0, 1.5, 3, 4.5, 6, 7.5]

    @Test func readsFilesWrittenByNumPy() throws {
        for name in ["float32_c", "float64_fortran", "bigendian_f4"] {
            let t = try NumPy.load(fixtures.appendingPathComponent("\(name).npy"))
            #expect(t.shape == [2, 3], "\(name)")
            #expect(t.scalars == matrix, "\(name)")
        }
        #expect(try NumPy.load(fixtures.appendingPathComponent("int64.npy")).scalars == [-1, 2, 3, -4])
        #expect(try NumPy.load(fixtures.appendingPathComponent("bool.npy")).scalars == [1, 0, 1])
        let scalar = try NumPy.load(fixtures.appendingPathComponent("scalar_u1.npy"))
        #expect(scalar.shape == [] && scalar.scalar == 200)
        for archive in ["arrays", "arrays_compressed"] {
            let arrays = try NumPy.loadArchive(fixtures.appendingPathComponent("\(archive).npz"))
            #expect(Set(arrays.keys) == ["matrix", "labels"])
            #expect(arrays["matrix"]!.scalars == matrix)
            #expect(arrays["labels"]!.scalars == [3, 1, 4])
        }
    }

    @Test(arguments: [NumPy.DType.float32, .float64, .int32, .int64, .uint8])
    func roundTrip(dtype: NumPy.DType) throws {
        let t = Tensor([0, 1, 2, 250, 7, 3], shape: [3, 1, 2])
        #expect(try NumPy.decode(try NumPy.encode(t, as: dtype), source: "memory").scalars == t.scalars)
        let bytes = try NumPy.encode(t, as: dtype)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
    }

    @Test func archiveRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.npz")
        try NumPy.saveArchive([("x", Tensor(matrix, shape: [2, 3])), ("y", Tensor([1]))], to: url)
        let back = try NumPy.loadArchive(url)
        #expect(back["x"]!.shape == [2, 3] && back["x"]!.scalars == matrix && back["y"]!.scalars == [1])
    }

    @Test func refusesMalformedFiles() throws {
        let good = try NumPy.encode(Tensor(matrix, shape: [2, 3]))
        let header = { (text: String) -> [UInt8] in
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.utf8.count), 0] + Array(text.utf8)
        }
        let cases: [([UInt8], String)] = [
            ([], "bad magic"),
            (Array("not numpy!!".utf8), "bad magic"),
            ([0x93] + Array("NUMPY".utf8) + [9, 0, 0, 0], "unsupported .npy version"),
            (Array(good.prefix(60)), "runs past the end"),
            (Array(good.dropLast(4)), "needs 24 data bytes but the file has 20"),
            (header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"), "unsupported dtype"),
            (header("{'descr': '<f4', 'shape': (1,), }"), "lacks"),
            (header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }"), "neither True nor False"),
            (header("{'descr': '<f4', 'fortran_order': False, 'shape': (x,), }"), "non-integer"),
            (
                header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"),
                "larger than the file"
            ),
            (header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}"), "unexpected header key"),
            (header("['descr']"), "malformed header"),
        ]
        for (bytes, message) in cases {
            #expect { try NumPy.decode(bytes, source: "f.npy") } throws: {
                ($0 as? CortexError)?.description.contains(message) ?? false
            }
        }
        var corrupt = try Data(contentsOf: fixtures.appendingPathComponent("arrays_compressed.npz"))
        corrupt[60] ^= 0xFF
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try corrupt.write(to: folder.appendingPathComponent("c.npz"))
        #expect(throws: CortexError.self) { try NumPy.loadArchive(folder.appendingPathComponent("c.npz")) }
        try Data([1, 2, 3]).write(to: folder.appendingPathComponent("d.npz"))
        #expect(throws: CortexError.self) { try NumPy.loadArchive(folder.appendingPathComponent("d.npz")) }
    }

    /// Issue 19, item 5: values an integer type cannot hold are a thrown error, never a trap.
    @Test(arguments: [
        (NumPy.DType.int32, Float.nan), (.int32, .infinity), (.int32, 3e9), (.int32, -3e9), (.int64, -.infinity),
        (.int64, 1e19), (.uint8, 256), (.uint8, -1), (.uint8, .nan),
    ])
    func integerTypesRefuseValuesTheyCannotHold(dtype: NumPy.DType, value: Float) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("x.npy")
        #expect { try NumPy.save(Tensor([1, value, 2]), to: url, as: dtype) } throws: {
            ($0 as? CortexError)?.description.contains("cannot store \(value) (element 1") ?? false
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(throws: CortexError.self) { try NumPy.saveArchive([("x", Tensor([value]))], to: url, as: dtype) }
    }

    @Test func integerTypesKeepTheirExtremes() throws {
        let values: [Float] = [-2_147_483_648, 2_147_483_520, -0.4, 254.6]
        #expect(
            try NumPy.decode(NumPy.encode(Tensor(Array(values[..<3])), as: .int32), source: "m").scalars == [
                -2_147_483_648, 2_147_483_520, 0,
            ])
        #expect(try NumPy.decode(NumPy.encode(Tensor([0, 254.6]), as: .uint8), source: "m").scalars == [0, 255])
    }

    /// Issue 19, item 5: a tensor of more dimensions than NumPy reads is refused, not a trap
    /// in the header writer.
    @Test func rankAboveNumPysLimitIsRefused() throws {
        let deep = Tensor([1], shape: Array(repeating: 1, count: 30_000))
        #expect { try NumPy.encode(deep) } throws: {
            ($0 as? CortexError)?.description.contains("at most 64 dimensions, got a tensor of rank 30000") ?? false
        }
        let sixtyFour = Tensor([1], shape: Array(repeating: 1, count: 64))
        #expect(try NumPy.decode(NumPy.encode(sixtyFour), source: "m").shape == sixtyFour.shape)
    }

    /// Issue 19, item 6: an archive of more than 65,535 arrays is written with ZIP64 records
    /// and read back whole (NumPy reads it too: checked by check_cortex_files.py on the
    /// committed fixture, and by hand on a 70,000-array archive).
    @Test func archivesPast65535ArraysRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("many.npz")
        try NumPy.saveArchive((0..<70_000).map { ("a\($0)", Tensor([Float($0)])) }, to: url)
        let back = try NumPy.loadArchive(url)
        #expect(back.count == 70_000)
        #expect(back["a69999"]?.scalars == [69_999] && back["a0"]?.scalars == [0])
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.count > 22 && Array(bytes[(bytes.count - 42)..<(bytes.count - 38)]) == [0x50, 0x4B, 0x06, 0x07])
    }

    /// An archive that an earlier writer (Cortex's own, before ZIP64) closed with the entry
    /// count modulo 65,536 is read whole, as NumPy reads it.
    @Test func archivesWithAWrappedCountAreReadWhole() throws {
        let entries = try (0..<65_537).map { ("a\($0).npy", try NumPy.encode(Tensor([Float($0)]))) }
        var bytes = try ZipArchive.write(entries)
        // Rewrite the end as a writer without ZIP64 would: no ZIP64 records, count modulo 2^16.
        let end = bytes.count - 22
        let locator = end - 20,
            record =
                Int(bytes[locator + 8]) | Int(bytes[locator + 9]) << 8
                | Int(bytes[locator + 10]) << 16 | Int(bytes[locator + 11]) << 24
        var tail = Array(bytes[end..<(end + 22)])
        let directorySize =
            record
            - (Int(bytes[record + 48]) | Int(bytes[record + 49]) << 8
                | Int(bytes[record + 50]) << 16 | Int(bytes[record + 51]) << 24)
        let directoryOffset = record - directorySize
        tail[8] = 1; tail[9] = 0; tail[10] = 1; tail[11] = 0
        for i in 0..<4 {
            tail[12 + i] = UInt8(directorySize >> (8 * i) & 0xFF)
            tail[16 + i] = UInt8(directoryOffset >> (8 * i) & 0xFF)
        }
        bytes = Array(bytes[..<record]) + tail
        #expect(try NumPy.decodeArchive(bytes, source: "wrapped").count == 65_537)
    }

    /// Forced ZIP64 fields on a small archive: Cortex writes the committed fixture byte for byte
    /// (which check_cortex_files.py loads with NumPy) and reads it back.
    @Test func zip64FixtureIsStable() throws {
        let bytes = try ZipArchive.write(
            [
                ("matrix.npy", try NumPy.encode(Tensor(matrix, shape: [2, 3]))),
                ("labels.npy", try NumPy.encode(Tensor([3, 1, 4]), as: .int64)),
            ],
            forceZip64: true)
        let committed = fixtures.appendingPathComponent("cortex_zip64.npz")
        if ProcessInfo.processInfo.environment["CORTEX_WRITE_FIXTURES"] != nil {
            try Data(bytes).write(to: committed)
        }
        #expect(bytes == [UInt8](try Data(contentsOf: committed)))
        let back = try NumPy.loadArchive(committed)
        #expect(back["matrix"]?.scalars == matrix && back["labels"]?.scalars == [3, 1, 4])
    }

    /// Issue 19, item 4: an entry that claims more than the read limit is refused before it is
    /// inflated, and a raised limit reads what a lower one refuses.
    @Test func archiveEntriesAreBoundedByTheReadLimit() throws {
        let big = try NumPy.encode(Tensor(zeros: [300_000]))
        let archive = try ZipArchive.write([("z.npy", big)])
        let small = ReadLimits(maximumBytes: 1 << 20)
        #expect { try Cortex.withReadLimits(small) { try NumPy.decodeArchive(archive, source: "z") } } throws: {
            ($0 as? CortexError)?.description.contains("more than the read limit of 1048576 bytes") ?? false
        }
        #expect(
            try Cortex.withReadLimits(ReadLimits(maximumBytes: 2 << 20)) {
                try NumPy.decodeArchive(archive, source: "z")
            }.count == 1)
        #expect(try NumPy.decodeArchive(archive, source: "z")["z"]?.shape == [300_000])
    }

    @Test func duplicateArchiveNamesAreRefusedWhenWriting() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try NumPy.saveArchive([("x", Tensor([1])), ("x", Tensor([2]))], to: folder.appendingPathComponent("d.npz"))
        } throws: {
            ($0 as? CortexError)?.description.contains("two arrays are named \"x\"") ?? false
        }
    }
}
