import Foundation

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to `{"dtype", "shape", "data_offsets"}` (plus an optional `__metadata__` map of
/// strings), then the raw little-endian data.
///
/// Cortex writes F32 and reads F32, F64, F16, BF16 and the integer and boolean types,
/// converting to `Float`. The reader validates everything before returning anything.
public enum SafeTensors {
    /// Element types of the format, with their sizes in bytes.
    enum DType: String, CaseIterable {
        case F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL

        var size: Int {
            switch self {
            case .F64, .I64, .U64: 8
            case .F32, .I32, .U32: 4
            case .F16, .BF16, .I16, .U16: 2
            case .I8, .U8, .BOOL: 1
            }
        }
    }

    /// Serializes named tensors (in the given order) with optional string metadata.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) -> [UInt8] {
        var entries: [(String, JSONValue)] = []
        if !metadata.isEmpty {
            entries.append(
                ("__metadata__", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        for (name, tensor) in tensors {
            let size = tensor.count * 4
            entries.append(
                (
                    name,
                    .object([
                        ("dtype", .string("F32")), ("shape", .array(tensor.shape.map { .number(Double($0)) })),
                        ("data_offsets", .array([.number(Double(offset)), .number(Double(offset + size))])),
                    ])
                ))
            offset += size
        }
        var header = Array(JSONValue.object(entries).serialized.utf8)
        while header.count % 8 != 0 { header.append(0x20) }  // pad with spaces so the data is aligned
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for (_, tensor) in tensors {
            tensor.withUnsafeBufferPointer { p in
                #if _endian(little)
                    bytes.append(contentsOf: UnsafeRawBufferPointer(p))
                #else
                    for value in p {
                        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                    }
                #endif
            }
        }
        return bytes
    }

    /// Reads and validates a safetensors file under ``ReadLimits``: the header length is
    /// checked against the file and the limits before the rest of the file is read.
    static func read(_ url: URL) throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        let limits = ReadLimits.current
        let file = try InputFile(url, limits: limits)
        let prefix = try file.read(at: 0, count: 8)
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(url.path): \(message)") }
        if prefix.count == 8 { _ = try headerLength(prefix, fileSize: file.size, limits: limits, fail: fail) }
        return try decode(try file.readAll(), source: url.path, limits: limits)
    }

    /// The header length field, checked against the file size and the header limit.
    private static func headerLength(
        _ bytes: [UInt8], fileSize: Int, limits: ReadLimits, fail: (String) -> CortexError
    ) throws -> Int {
        guard bytes.count >= 8 else { throw fail("\(bytes.count) bytes is too short for a safetensors header length") }
        let length = bytes[0..<8].enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard length <= UInt64(limits.maximumHeaderBytes) else {
            throw fail(
                "header length \(length) exceeds the read limit of \(limits.maximumHeaderBytes) bytes (\(ReadLimits.raiseHint("maximumHeaderBytes")))"
            )
        }
        guard Int(length) <= fileSize - 8 else {
            throw fail("header length \(length) runs past the end of the \(fileSize)-byte file (truncated?)")
        }
        return Int(length)
    }

    /// Parses and validates a whole file's bytes under the current ``ReadLimits``; `source`
    /// names the file in errors.
    ///
    /// Checks, in order: the header length against the file size and
    /// ``ReadLimits/maximumHeaderBytes``, the header's UTF-8 and JSON (no duplicate names), each
    /// entry's dtype, shape and offsets, that byte sizes match the shapes, that the data regions
    /// are in range, contiguous and non-overlapping, and that all tensors together hold at most
    /// ``ReadLimits/maximumElements`` elements.
    public static func decode(_ bytes: [UInt8], source: String) throws -> (
        tensors: [(String, Tensor)], metadata: [String: String]
    ) {
        try decode(bytes, source: source, limits: ReadLimits.current)
    }

    static func decode(_ bytes: [UInt8], source: String, limits: ReadLimits) throws -> (
        tensors: [(String, Tensor)], metadata: [String: String]
    ) {
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(source): \(message)") }
        let headerLength = try headerLength(bytes, fileSize: bytes.count, limits: limits, fail: fail)
        let dataStart = 8 + headerLength, dataLength = bytes.count - dataStart
        // The JSON tree lives only inside `layout`, so it is freed before the tensors are made.
        let (regions, metadata) = try layout(
            bytes[8..<dataStart], dataLength: dataLength, limits: limits, fail: fail)
        // The data regions must tile the data section exactly: no gaps, no overlaps.
        var position = 0
        for index in regions.indices.sorted(by: {
            (regions[$0].begin, regions[$0].end) < (regions[$1].begin, regions[$1].end)
        }) {
            let region = regions[index]
            guard region.begin == position else {
                throw fail(
                    region.begin < position
                        ? "entry \"\(region.name)\" overlaps the previous tensor's data"
                        : "gap of \(region.begin - position) bytes before entry \"\(region.name)\"")
            }
            position = region.end
        }
        guard position == dataLength else {
            throw fail("\(dataLength - position) bytes after the last tensor are not described")
        }
        let tensors = regions.map { region in
            (
                region.name,
                convert(
                    bytes, from: dataStart + region.begin, count: region.end - region.begin, dtype: region.dtype,
                    shape: region.shape)
            )
        }
        return (tensors, metadata)
    }

    /// One tensor's place in the data section.
    private struct Region {
        let name: String
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// The regions and metadata the header describes, each entry checked against the data
    /// section's length and the limits.
    private static func layout(
        _ headerBytes: ArraySlice<UInt8>, dataLength: Int, limits: ReadLimits, fail: (String) -> CortexError
    ) throws -> (regions: [Region], metadata: [String: String]) {
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail("header is not valid UTF-8") }
        let header: JSONValue
        do {
            // No array in a header is longer than a shape of NumPy's maximum rank.
            header = try JSONValue.parse(headerBytes, maximumArrayLength: NumPy.maximumRank)
        } catch {
            throw fail("header is not well-formed JSON: \(error)")
        }
        guard case .object(let entries) = header else { throw fail("header is not a JSON object") }
        var metadata: [String: String] = [:]
        var regions: [Region] = []
        regions.reserveCapacity(entries.count)
        var totalElements = 0
        for (name, value) in entries {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw fail("__metadata__ is not an object") }
                metadata.reserveCapacity(pairs.count)
                for (key, item) in pairs {
                    guard case .string(let text) = item else {
                        throw fail("__metadata__ value for \"\(key)\" is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            guard case .object(let fields) = value else { throw fail("entry \"\(name)\" is not an object") }
            func field(_ key: String) -> JSONValue? { fields.first { $0.0 == key }?.1 }
            guard case .string(let dtypeName)? = field("dtype") else { throw fail("entry \"\(name)\" has no dtype") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw fail(
                    "entry \"\(name)\" has unknown dtype \"\(dtypeName)\" (expected one of \(DType.allCases.map(\.rawValue)))"
                )
            }
            guard case .array(let dims)? = field("shape") else { throw fail("entry \"\(name)\" has no shape") }
            var shape: [Int] = []
            var elements = 1
            for dim in dims {
                guard case .number(let d) = dim, d >= 0, d == d.rounded(), d < 1e15 else {
                    throw fail("entry \"\(name)\" has an invalid shape \(JSONValue.array(dims).serialized)")
                }
                shape.append(Int(d))
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(d))
                guard !overflow, product <= dataLength else {
                    throw fail(
                        "entry \"\(name)\" has shape \(JSONValue.array(dims).serialized), larger than the file's \(dataLength) data bytes"
                    )
                }
                elements = product
            }
            guard case .array(let offsets)? = field("data_offsets"), offsets.count == 2,
                case .number(let begin) = offsets[0], case .number(let end) = offsets[1],
                begin >= 0, end >= begin, begin == begin.rounded(), end == end.rounded(), end <= Double(dataLength)
            else {
                throw fail("entry \"\(name)\" has data_offsets outside the \(dataLength) data bytes or malformed")
            }
            guard Int(end) - Int(begin) == elements * dtype.size else {
                throw fail(
                    "entry \"\(name)\" spans \(Int(end) - Int(begin)) bytes but shape \(shape) of \(dtype.rawValue) needs \(elements * dtype.size)"
                )
            }
            guard elements <= limits.maximumElements - totalElements else {
                throw fail(
                    "tensors hold more than the read limit of \(limits.maximumElements) elements (\(ReadLimits.raiseHint("maximumElements")))"
                )
            }
            totalElements += elements
            regions.append(Region(name: name, dtype: dtype, shape: shape, begin: Int(begin), end: Int(end)))
        }
        return (regions, metadata)
    }

    private static func convert(_ bytes: [UInt8], from start: Int, count: Int, dtype: DType, shape: [Int]) -> Tensor {
        let n = count / dtype.size
        return Tensor(uninitializedShape: shape) { out in
            bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress! + start
                func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                    T(littleEndian: base.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
                }
                for i in 0..<n {
                    switch dtype {
                    case .F32: out[i] = Float(bitPattern: load(UInt32.self, i))
                    case .F64: out[i] = Float(Double(bitPattern: load(UInt64.self, i)))
                    case .F16: out[i] = Float(Float16(bitPattern: load(UInt16.self, i)))
                    case .BF16: out[i] = Float(bitPattern: UInt32(load(UInt16.self, i)) << 16)
                    case .I64: out[i] = Float(load(Int64.self, i))
                    case .I32: out[i] = Float(load(Int32.self, i))
                    case .I16: out[i] = Float(load(Int16.self, i))
                    case .I8: out[i] = Float(load(Int8.self, i))
                    case .U64: out[i] = Float(load(UInt64.self, i))
                    case .U32: out[i] = Float(load(UInt32.self, i))
                    case .U16: out[i] = Float(load(UInt16.self, i))
                    case .U8: out[i] = Float(load(UInt8.self, i))
                    case .BOOL: out[i] = load(UInt8.self, i) == 0 ? 0 : 1
                    }
                }
            }
        }
    }
}
