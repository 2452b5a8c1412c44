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
}
