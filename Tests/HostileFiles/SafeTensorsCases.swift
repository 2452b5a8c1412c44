// Hostile safetensors weight files for the probe model (dense.kernel [4, 3], dense.bias [3],
// dense_1.kernel [3, 2], dense_1.bias [2]).
import Cortex
import Foundation

extension HostileCorpus {
    static let probeShapes: [(String, [Int])] = [
        ("dense.kernel", [4, 3]), ("dense.bias", [3]), ("dense_1.kernel", [3, 2]), ("dense_1.bias", [2]),
    ]
    static let probeData = f32((0..<23).map { Float($0) / 10 - 1 })

    /// Header entries for the probe model's tensors with `dtype` (of `size` bytes).
    static func probeEntries(dtype: String = "F32", size: Int = 4) -> [String] {
        var offset = 0
        return probeShapes.map { name, shape in
            let bytes = shape.reduce(1, *) * size
            defer { offset += bytes }
            return entry(name, dtype: dtype, shape: "\(shape)", offsets: "[\(offset),\(offset + bytes)]")
        }
    }

    static func entry(_ name: String, dtype: String = "F32", shape: String, offsets: String) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape.replacingOccurrences(of: " ", with: "")),\"data_offsets\":\(offsets)}"
    }

    static func object(_ entries: [String]) -> String { "{" + entries.joined(separator: ",") + "}" }

    static func safetensorsCases() -> [HostileCase] {
        func c(
            _ name: String, _ expectation: HostileCase.Expectation, limits: ReadLimits? = nil, large: Bool = false,
            _ make: @escaping @Sendable () throws -> [UInt8]
        ) -> HostileCase {
            HostileCase(
                name, .safetensors, file: "w.safetensors", .bytes(make), expectation, limits: limits, large: large)
        }
        let valid = object(probeEntries())
        /// The valid file with one entry's text replaced.
        @Sendable func replacing(_ old: String, _ new: String, data: [UInt8] = probeData) -> [UInt8] {
            precondition(valid.contains(old), old)
            return safetensors(valid.replacingOccurrences(of: old, with: new), data: data)
        }
        let first = entry("dense.kernel", shape: "[4,3]", offsets: "[0,48]")
        return [
            c("empty", .refused("too short")) { [] },
            c("7-bytes", .refused("too short")) { [1, 0, 0, 0, 0, 0, 0] },
            c("length-2^64-1", .refused("exceeds the read limit")) { le64(.max) + Array(valid.utf8) + probeData },
            c("length-100-mb", .refused("exceeds the read limit")) {
                safetensors(valid, data: probeData, declaredLength: 100_000_000)
            },
            c("length-past-end", .refused("runs past the end")) { safetensors("{}", declaredLength: 1000) },
            c("header-not-utf8", .refused("not valid UTF-8")) { le64(4) + [0x7B, 0xFF, 0xFE, 0x7D] },
            c("header-not-json", .refused("not well-formed JSON")) { safetensors("nope") },
            c("header-array", .refused("not a JSON object")) { safetensors("[]") },
            c("nesting-100", .refused("nesting deeper than 64")) {
                safetensors(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
            },
            c("duplicate-key", .refused("duplicate key")) {
                safetensors(object(probeEntries() + [first]), data: probeData)
            },
            c("entry-not-object", .refused("is not an object")) { replacing(first, "\"dense.kernel\":[1]") },
            c("unknown-dtype", .refused("unknown dtype \"F128\"")) {
                replacing(first, first.replacingOccurrences(of: "F32", with: "F128"))
            },
            c("no-shape", .refused("has no shape")) { replacing(",\"shape\":[4,3]", "") },
            c("shape-negative", .refused("invalid shape")) { replacing("[4,3]", "[-4,3]") },
            c("shape-fraction", .refused("invalid shape")) { replacing("[4,3]", "[4.5,3]") },
            c("shape-1e300", .refused("invalid shape")) { replacing("[4,3]", "[1e300,3]") },
            c("shape-1e999", .refused("bad number")) { replacing("[4,3]", "[1e999,3]") },
            c("shape-overflow", .refused("larger than the file's")) { replacing("[4,3]", "[4294967296,4294967296]") },
            c("shape-65-dimensions", .refused("array longer than 64 elements")) {
                replacing("[4,3]", "[" + Array(repeating: "1", count: 65).joined(separator: ",") + "]")
            },
            c("shape-of-4-million", .refused("array longer than 64 elements"), large: true) {
                replacing("[4,3]", "[" + String(repeating: "0,", count: 4_000_000) + "0]")
            },
            c("offsets-reversed", .refused("data_offsets outside")) { replacing("[0,48]", "[48,0]") },
            c("offsets-past-end", .refused("data_offsets outside")) { replacing("[0,48]", "[0,4800000000]") },
            c("offsets-three", .refused("data_offsets outside")) { replacing("[0,48]", "[0,24,48]") },
            c("offsets-fraction", .refused("data_offsets outside")) { replacing("[0,48]", "[0.5,48]") },
            c("size-mismatch", .refused("spans 44 bytes")) { replacing("[0,48]", "[4,48]") },
            c("gap", .refused("gap of 4 bytes")) {
                safetensors(
                    object(probeEntries()).replacingOccurrences(of: "[0,48]", with: "[4,52]")
                        .replacingOccurrences(of: "[48,60]", with: "[52,64]").replacingOccurrences(
                            of: "[60,84]", with: "[64,88]"
                        )
                        .replacingOccurrences(of: "[84,92]", with: "[88,96]"), data: probeData + [0, 0, 0, 0])
            },
            c("overlap", .refused("overlaps the previous tensor")) { replacing("[48,60]", "[36,48]") },
            c("trailing-bytes", .refused("after the last tensor are not described")) {
                safetensors(valid, data: probeData + [1, 2, 3, 4])
            },
            c("metadata-number", .refused("is not a string")) {
                safetensors(object(["\"__metadata__\":{\"a\":1}"] + probeEntries()), data: probeData)
            },
            c("metadata-array", .refused("__metadata__ is not an object")) {
                safetensors(object(["\"__metadata__\":[]"] + probeEntries()), data: probeData)
            },
            c("control-character", .refused("control character")) { safetensors("{\"a\u{1}\":1}") },
            c("bad-escape", .refused("bad escape")) { safetensors("{\"a\\q\":1}") },
            c("lone-surrogate", .refused("surrogate")) { safetensors("{\"a\\ud800x\":1}") },
            c("missing-tensor", .refused("missing dense_1.bias")) {
                safetensors(object(Array(probeEntries().dropLast())), data: Array(probeData.dropLast(8)))
            },
            c("extra-tensor", .refused("holds extra that")) {
                safetensors(
                    object(probeEntries() + [entry("extra", shape: "[1]", offsets: "[92,96]")]),
                    data: probeData + f32([1]))
            },
            c("wrong-shape", .refused("has shape [3, 4] but")) { replacing("[4,3]", "[3,4]") },
            c("empty-header", .refused("missing dense.kernel")) { safetensors("{}") },
            c("valid", .accepted("tensors=4")) { safetensors(valid, data: probeData) },
            c("valid-f16", .accepted("tensors=4")) {
                safetensors(object(probeEntries(dtype: "F16", size: 2)), data: noise(46))
            },
            c("valid-u8", .accepted("tensors=4")) {
                safetensors(object(probeEntries(dtype: "U8", size: 1)), data: noise(23))
            },
            c("nan-weights", .accepted("tensors=4")) {
                safetensors(valid, data: f32(Array(repeating: .nan, count: 23)))
            },
            c("header-16-mib-plus-1", .refused("exceeds the read limit of 16777216"), large: true) {
                safetensors(valid + String(repeating: " ", count: (1 << 24) + 1 - valid.utf8.count), data: probeData)
            },
            c("header-full-of-entries", .refused("that sequential does not have"), large: true) {
                // Zero-size tensors up to the 16 MiB header limit: the most tensors a header can describe.
                var entries = probeEntries(), length = 2 + entries.joined(separator: ",").utf8.count
                while true {
                    let next = entry("t\(entries.count)", dtype: "U8", shape: "[0]", offsets: "[92,92]")
                    guard length + next.utf8.count + 1 <= 1 << 24 else { break }
                    length += next.utf8.count + 1
                    entries.append(next)
                }
                return safetensors(object(entries), data: probeData)
            },
            c("metadata-full-of-keys", .refused("missing dense.kernel"), large: true) {
                // Empty metadata values up to the 16 MiB header limit.
                var keys: [String] = [], length = 20
                while true {
                    let next = "\"\(keys.count)\":\"\""
                    guard length + next.utf8.count + 1 <= 1 << 24 else { break }
                    length += next.utf8.count + 1
                    keys.append(next)
                }
                return safetensors(object(["\"__metadata__\":" + object(keys)]))
            },
            c("metadata-1m-keys-last-not-string", .refused("is not a string"), large: true) {
                let keys = (0..<1_000_000).map { "\"k\($0)\":\"\"" } + ["\"z\":0"]
                return safetensors(object(["\"__metadata__\":" + object(keys)] + probeEntries()), data: probeData)
            },
            c("metadata-15-mib-string", .accepted("tensors=4"), large: true) {
                let text = "\"__metadata__\":{\"a\":\"" + String(repeating: "x", count: 15 << 20) + "\"}"
                return safetensors(object([text] + probeEntries()), data: probeData)
            },
            c(
                "elements-above-limit", .refused("more than the read limit of 10 elements"),
                limits: ReadLimits(maximumElements: 10)
            ) { safetensors(valid, data: probeData) },
        ]
    }
}
