import Foundation
import Testing

@testable import Cortex

@Suite struct SafeTensorsTests {
    @Test func modelRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("cnn.safetensors")
        let cnn = seedCNN(seed: 1)
        try cnn.build(inputShape: [28, 28, 1])
        try cnn.save(to: url)
        let copy = seedCNN(seed: 2)
        try copy.build(inputShape: [28, 28, 1])
        #expect(copy.parameters[0].value.scalars != cnn.parameters[0].value.scalars)
        try copy.loadWeights(from: url)
        #expect(copy.parameters.map(\.value.scalars) == cnn.parameters.map(\.value.scalars))
        let x = mnist.test.images.slice(0..<8)
        #expect(try copy.predict(x).scalars == (try cnn.predict(x)).scalars)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["cnn.safetensors"])
    }

    @Test func readsFilesWrittenByPython() throws {
        let model = try smallDense()
        try model.loadWeights(from: fixtures.appendingPathComponent("python_dense.safetensors"))
        let dense = model.layers[0] as! Dense
        expectClose(dense.kernel.value, Tensor((0..<12).map { Float($0) / 10 }, shape: [4, 3]))
        #expect(dense.bias!.value.scalars == [0.5, -0.5, 0.25])
        let (tensors, _) = try SafeTensors.decode(
            try InputFile(fixtures.appendingPathComponent("python_dtypes.safetensors"), limits: .default).readAll(),
            source: "dtypes")
        let byName = Dictionary(uniqueKeysWithValues: tensors)
        #expect(byName["f64"]!.scalars == [1.5, -2.25])
        #expect(byName["f16"]!.scalars == [0.5, -3, 65504])
        #expect(byName["bf16"]!.scalars == [1, -2.5])
        #expect(byName["i64"]!.shape == [1, 2] && byName["i64"]!.scalars == [-3, 7])
        #expect(byName["u8"]!.scalars == [0, 255])
        #expect(byName["bool"]!.scalars == [1, 0])
    }

    @Test func encodingFollowsTheFormat() throws {
        let bytes = SafeTensors.encode(
            [("a", Tensor([1, 2], shape: [2])), ("b", Tensor(zeros: [1, 3]))], metadata: ["k": "v"])
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(length % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#))
        #expect(bytes.count == 8 + length + 20)
        let (tensors, metadata) = try SafeTensors.decode(bytes, source: "memory")
        #expect(tensors.map(\.0) == ["a", "b"] && metadata == ["k": "v"])
    }

    /// A valid two-tensor file for `smallDense`, as header text and data.
    static let kernelEntry = #""dense.kernel":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]}"#
    static let biasEntry = #""dense.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]}"#
    static let data = [UInt8](repeating: 0, count: 60)

    static func file(_ header: String, data: [UInt8] = data) -> [UInt8] { safetensorsBytes(header: header, data: data) }

    static var malformed: [(String, [UInt8], String)] {
        let valid = file("{\(kernelEntry),\(biasEntry)}")
        let headerLength = valid.count - 60 - 8
        var cases: [(String, [UInt8], String)] = [
            ("empty file", [], "too short"),
            ("seven bytes", [1, 0, 0, 0, 0, 0, 0], "too short"),
            (
                "header length past end",
                safetensorsBytes(headerBytes: Array("{}".utf8), data: [], declaredLength: 400), "runs past the end"
            ),
            ("huge header length", safetensorsBytes(headerBytes: [], data: [], declaredLength: 1 << 40), "exceeds"),
            ("not JSON", file("{\"a\""), "not well-formed JSON"),
            ("JSON array", file("[]"), "not a JSON object"),
            ("trailing garbage", file("{\(kernelEntry),\(biasEntry)}x"), "not well-formed JSON"),
            (
                "non-UTF-8 header",
                safetensorsBytes(headerBytes: Array("{\"a\u{0}".utf8.dropLast()) + [0xFF, 0xFE, 0x22, 0x7D], data: []),
                "UTF-8"
            ),
            ("control character", file("{\"a\tb\":{}}"), "not well-formed JSON"),
            ("entry not object", file("{\"dense.kernel\":5}"), "not an object"),
            ("missing dtype", file(#"{"x":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "has no dtype"),
            (
                "unknown dtype", file(#"{"x":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                "unknown dtype \"F33\""
            ),
            (
                "dtype not string", file(#"{"x":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                "has no dtype"
            ),
            (
                "missing shape", file(#"{"x":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                "has no shape"
            ),
            (
                "negative dimension",
                file(#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "invalid shape"
            ),
            (
                "fractional dimension",
                file(#"{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "invalid shape"
            ),
            (
                "huge shape",
                file(
                    #"{"x":{"dtype":"F32","shape":[100000000000,100000000000],"data_offsets":[0,4]}}"#,
                    data: [0, 0, 0, 0]), "larger than"
            ),
            ("missing offsets", file(#"{"x":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0]), "data_offsets"),
            (
                "reversed offsets",
                file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]), "data_offsets"
            ),
            (
                "offsets past data",
                file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]), "data_offsets"
            ),
            (
                "three offsets",
                file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, data: [0, 0, 0, 0]), "data_offsets"
            ),
            (
                "offsets as strings",
                file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":["0","4"]}}"#, data: [0, 0, 0, 0]), "data_offsets"
            ),
            (
                "byte size mismatch",
                file(
                    #"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#, data: Array(repeating: 0, count: 12)),
                "needs 16"
            ),
            (
                "wrong dtype size",
                file(#"{"x":{"dtype":"F64","shape":[3],"data_offsets":[0,12]}}"#, data: Array(repeating: 0, count: 12)),
                "needs 24"
            ),
            (
                "overlapping",
                file(
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                    data: Array(repeating: 0, count: 12)), "overlaps"
            ),
            (
                "gap",
                file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)),
                "gap of 4 bytes"
            ),
            (
                "undeclared trailing bytes",
                file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 9)),
                "5 bytes after"
            ),
            ("duplicate names", file("{\(kernelEntry),\(kernelEntry)}"), "duplicate key \"dense.kernel\""),
            (
                "metadata not object", file("{\"__metadata__\":[1],\(kernelEntry),\(biasEntry)}"),
                "__metadata__ is not an object"
            ),
            (
                "metadata value not string", file("{\"__metadata__\":{\"a\":1},\(kernelEntry),\(biasEntry)}"),
                "is not a string"
            ),
            (
                "deep nesting", file(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)),
                "nesting deeper"
            ),
            (
                "unexpected name",
                file(
                    #"{"dense.kernel":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},"dense.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]},"extra":{"dtype":"F32","shape":[0],"data_offsets":[60,60]}}"#
                ), "holds extra"
            ),
            ("missing tensor", file("{\(kernelEntry)}", data: Array(repeating: 0, count: 48)), "missing dense.bias"),
            (
                "wrong shape for model",
                file(
                    #"{"dense.kernel":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]},"dense.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]}}"#
                ), "expects [4, 3]"
            ),
        ]
        // Truncated at every section: the length field, the header, the data.
        for cut in [3, 8, 8 + headerLength / 2, 8 + headerLength - 1, 8 + headerLength + 10, valid.count - 1] {
            let message =
                cut < 8
                ? "too short"
                : cut < 8 + headerLength ? "runs past the end" : cut < valid.count - 12 ? "larger than" : "data_offsets"
            cases.append(("truncated at \(cut)", Array(valid.prefix(cut)), message))
        }
        return cases
    }

    @Test func refusesMalformedFilesAndKeepsTheModel() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try smallDense()
        let before = model.parameters.map(\.value.scalars)
        let cases = Self.malformed
        #expect(cases.count >= 30)
        for (label, bytes, message) in cases {
            let url = folder.appendingPathComponent("bad.safetensors")
            try Data(bytes).write(to: url)
            do {
                try model.loadWeights(from: url)
                Issue.record("\(label): accepted")
            } catch let error as CortexError {
                #expect(error.description.contains(url.path), "\(label): \(error)")
                #expect(error.description.contains(message), "\(label): \(error)")
            }
            #expect(model.parameters.map(\.value.scalars) == before, "\(label) changed the model")
        }
        // The valid file loads.
        try Data(Self.file("{\(Self.kernelEntry),\(Self.biasEntry)}")).write(
            to: folder.appendingPathComponent("ok.safetensors"))
        try model.loadWeights(from: folder.appendingPathComponent("ok.safetensors"))
        #expect(model.parameters.allSatisfy { $0.value.scalars.allSatisfy { $0 == 0 } })
    }

    @Test func failedWriteLeavesThePreviousFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try smallDense()
        // A destination that cannot be replaced (a non-empty folder): the rename fails.
        let blocked = folder.appendingPathComponent("blocked.safetensors")
        try FileManager.default.createDirectory(
            at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: CortexError.self) { try model.save(to: blocked) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["blocked.safetensors"])
        // A missing folder.
        #expect(throws: CortexError.self) {
            try model.save(to: folder.appendingPathComponent("no/such/dir/m.safetensors"))
        }
        // Saving over an existing file replaces it whole.
        let url = folder.appendingPathComponent("m.safetensors")
        try model.save(to: url)
        let first = try Data(contentsOf: url)
        (model.layers[0] as! Dense).bias!.value = Tensor([1, 2, 3])
        try model.save(to: url)
        #expect(try Data(contentsOf: url) != first)
        #expect(throws: CortexError.self) { try Sequential { Dense(units: 2) }.save(to: url) }  // nothing built
    }
}

@Suite struct SafeTensorsInteropTests {
    /// The bytes Cortex writes for a fixed model are stable; `check_cortex_files.py` loads the
    /// committed copy with Python's safetensors and NumPy and checks the values.
    @Test func writesTheCommittedFixtureByteForByte() throws {
        let model = try smallDense(seed: 1)
        let dense = model.layers[0] as! Dense
        dense.kernel.value = Tensor((0..<12).map { Float($0) * 0.25 - 1 }, shape: [4, 3])
        dense.bias!.value = Tensor([0.5, -0.5, 2])
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("cortex_dense.safetensors")
        try model.save(to: url)
        let committed = fixtures.appendingPathComponent("cortex_dense.safetensors")
        if ProcessInfo.processInfo.environment["CORTEX_WRITE_FIXTURES"] != nil {
            try FileManager.default.removeItem(at: committed)
            try FileManager.default.copyItem(at: url, to: committed)
        }
        #expect(try Data(contentsOf: url) == Data(contentsOf: committed))
        let npy = try NumPy.encode(dense.kernel.value)
        #expect(npy == [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("cortex_kernel.npy"))))
    }
}
