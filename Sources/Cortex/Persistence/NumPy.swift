import Foundation

/// Reading and writing NumPy's `.npy` arrays and `.npz` archives, so data and results move
/// between Cortex and Python.
///
/// Reading accepts format versions 1-3, little- and big-endian `float16/32/64`, signed and
/// unsigned integers, and booleans, in C or Fortran order, converting to `Float`. Writing
/// produces version 1.0 files.
public enum NumPy {
    /// Element types Cortex writes.
    public enum DType: String, Sendable {
        case float32 = "<f4", float64 = "<f8", int32 = "<i4", int64 = "<i8", uint8 = "|u1"
    }

    /// The most dimensions an array may have, as in NumPy 2 (`NPY_MAXDIMS`).
    public static let maximumRank = 64

    /// Writes `tensor` to a `.npy` file atomically.
    ///
    /// - Parameters:
    ///   - tensor: the array to write; at most ``maximumRank`` dimensions.
    ///   - url: the destination (see ``encode(_:as:)`` for what throws).
    ///   - dtype: the element type in the file.
    public static func save(_ tensor: Tensor, to url: URL, as dtype: DType = .float32) throws {
        try AtomicFile.write(encode(tensor, as: dtype), to: url)
    }

    /// Reads a `.npy` file as a `Float` tensor, under ``ReadLimits``.
    public static func load(_ url: URL) throws -> Tensor {
        let limits = ReadLimits.current
        return try decode(try InputFile(url, limits: limits).readAll(), source: url.path, limits: limits)
    }

    /// Writes named arrays to an uncompressed `.npz` archive atomically (names get `.npy`
    /// appended). Archives of 65,535 arrays or more, or past 4 GiB, are written with ZIP64
    /// records, which NumPy reads. Throws for duplicate names and for what ``encode(_:as:)``
    /// refuses.
    ///
    /// - Parameters:
    ///   - arrays: names and arrays, written in this order.
    ///   - url: the destination.
    ///   - dtype: the element type of every array in the file.
    public static func saveArchive(_ arrays: [(String, Tensor)], to url: URL, as dtype: DType = .float32) throws {
        var seen = Set<String>()
        for (name, _) in arrays where !seen.insert(name).inserted {
            throw CortexError(.invalidArgument, "\(url.path): two arrays are named \"\(name)\"")
        }
        let entries = try arrays.map { ($0.0 + ".npy", try encode($0.1, as: dtype)) }
        try AtomicFile.write(ZipArchive.write(entries), to: url)
    }

    /// Reads a `.npz` archive (compressed or not); keys are the array names without `.npy`.
    /// The archive is checked under ``ReadLimits``: its size, the sum of its entries'
    /// decompressed sizes and the elements of all its arrays together.
    public static func loadArchive(_ url: URL) throws -> [String: Tensor] {
        let limits = ReadLimits.current
        return try decodeArchive(try InputFile(url, limits: limits).readAll(), source: url.path, limits: limits)
    }

    /// Parses and validates the bytes of a `.npz` archive under the current ``ReadLimits``.
    public static func decodeArchive(_ bytes: [UInt8], source: String) throws -> [String: Tensor] {
        try decodeArchive(bytes, source: source, limits: ReadLimits.current)
    }

    static func decodeArchive(_ bytes: [UInt8], source: String, limits: ReadLimits) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        var elements = 0
        try ZipArchive.forEachEntry(in: bytes, source: source, limits: limits) { name, entry in
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            guard result[key] == nil else { throw CortexError(.invalidFile, "\(source): duplicate array \(key)") }
            var remaining = limits
            remaining.maximumElements -= elements
            let tensor = try decode(entry, source: "\(source)[\(name)]", limits: remaining)
            elements += tensor.count
            result[key] = tensor
        }
        return result
    }

    /// The bytes of a version 1.0 `.npy` file.
    ///
    /// Integer types take each value rounded to the nearest integer (halves away from zero).
    /// Throws a ``CortexError`` for a value the type cannot hold (NaN, an infinity, or out of
    /// range, such as 300 as `uint8`), naming the first such element, and for a tensor of more
    /// than ``maximumRank`` dimensions (NumPy cannot read it).
    public static func encode(_ tensor: Tensor, as dtype: DType = .float32) throws -> [UInt8] {
        guard tensor.rank <= maximumRank else {
            throw CortexError(
                .invalidArgument,
                "NumPy arrays have at most \(maximumRank) dimensions, got a tensor of rank \(tensor.rank)")
        }
        // The representable range of each integer type, as Float bounds on the rounded value.
        let range: (lower: Float, upper: Float, text: String)? =
            switch dtype {
            case .float32, .float64: nil
            case .int32: (-2_147_483_648, 2_147_483_648, "[-2147483648, 2147483647]")
            case .int64: (-9_223_372_036_854_775_808, 9_223_372_036_854_775_808, "[-2^63, 2^63 - 1]")
            case .uint8: (0, 256, "[0, 255]")
            }
        if let range {
            let bad = tensor.withUnsafeBufferPointer { p in
                p.firstIndex { v in
                    let r = v.rounded()
                    return !(r >= range.lower && r < range.upper)
                }
            }
            if let bad {
                let value = tensor.withUnsafeBufferPointer { $0[bad] }
                throw CortexError(
                    .invalidData,
                    "cannot store \(value) (element \(bad) of a tensor of shape \(tensor.shape)) as \(dtype): it holds integers in \(range.text)"
                )
            }
        }
        let shape = tensor.shape.map(String.init).joined(separator: ", ") + (tensor.rank == 1 ? "," : "")
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': (\(shape)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        let width =
            switch dtype {
            case .float32, .int32: 4
            case .float64, .int64: 8
            case .uint8: 1
            }
        bytes.reserveCapacity(bytes.count + tensor.count * width)
        tensor.withUnsafeBufferPointer { p in
            #if _endian(little)
                if dtype == .float32 {
                    bytes.append(contentsOf: UnsafeRawBufferPointer(p))
                    return
                }
            #endif
            for v in p {
                switch dtype {
                case .float32: withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 }
                case .float64: withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { bytes += $0 }
                case .int32: withUnsafeBytes(of: Int32(v.rounded()).littleEndian) { bytes += $0 }
                case .int64: withUnsafeBytes(of: Int64(v.rounded()).littleEndian) { bytes += $0 }
                case .uint8: bytes.append(UInt8(v.rounded()))
                }
            }
        }
        return bytes
    }

    /// Parses and validates `.npy` bytes under the current ``ReadLimits``; `source` names the
    /// file in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws -> Tensor {
        try decode(bytes, source: source, limits: ReadLimits.current)
    }

    static func decode(_ bytes: [UInt8], source: String, limits: ReadLimits) throws -> Tensor {
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(source): \(message)") }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw fail("not a .npy file (bad magic)")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else { throw fail("unsupported .npy version \(major).\(bytes[7])") }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { throw fail("truncated header length") }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        guard headerLength <= limits.maximumHeaderBytes else {
            throw fail(
                "header length \(headerLength) exceeds the read limit of \(limits.maximumHeaderBytes) bytes (\(ReadLimits.raiseHint("maximumHeaderBytes")))"
            )
        }
        let dataStart = 8 + lengthBytes + headerLength
        guard dataStart <= bytes.count else {
            throw fail("header length \(headerLength) runs past the end of the file")
        }
        let fields = try parseHeader(bytes[(8 + lengthBytes)..<dataStart], fail: fail)
        guard let descr = fields.descr, let fortran = fields.fortranOrder, let shape = fields.shape else {
            let text = String(decoding: bytes[(8 + lengthBytes)..<dataStart].prefix(200), as: UTF8.self)
            throw fail(
                "header lacks descr, fortran_order or shape: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let type = ElementType(descr) else { throw fail("unsupported dtype '\(descr)'") }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= bytes.count else {
                throw fail("shape \(shape) is larger than the file")
            }
            count = product
        }
        guard count <= limits.maximumElements else {
            throw fail(
                "shape \(shape) holds \(count) elements, above the read limit of \(limits.maximumElements) (\(ReadLimits.raiseHint("maximumElements")))"
            )
        }
        guard bytes.count - dataStart == count * type.size else {
            throw fail(
                "shape \(shape) of '\(descr)' needs \(count * type.size) data bytes but the file has \(bytes.count - dataStart)"
            )
        }
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress! + dataStart
                #if _endian(little)
                    // Little-endian float32, the common case, is the in-memory layout already.
                    if type.kind == "f" && type.size == 4 && !type.bigEndian {
                        UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: base, byteCount: count * 4)
                        return
                    }
                #endif
                for i in 0..<count { out[i] = type.read(base + i * type.size) }
            }
            initialized = count
        }
        if fortran && shape.count > 1 {
            // Fortran order stores the first axis fastest: read it as the reversed shape and transpose.
            return Tensor(values, shape: shape.reversed()).transposed().detached
        }
        return Tensor(values, shape: shape)
    }

    /// A `descr` such as `<f4`, `>i8` or `|b1`.
    struct ElementType {
        let kind: Character
        let size: Int
        let bigEndian: Bool

        init?(_ descr: String) {
            let chars = Array(descr)
            guard chars.count >= 3, "<>|=".contains(chars[0]), let size = Int(String(chars[2...])) else { return nil }
            kind = chars[1]
            self.size = size
            bigEndian = chars[0] == ">"
            switch (kind, size) {
            case ("f", 2), ("f", 4), ("f", 8), ("i", 1), ("i", 2), ("i", 4), ("i", 8), ("u", 1), ("u", 2), ("u", 4),
                ("u", 8),
                ("b", 1):
                break
            default: return nil
            }
        }

        func read(_ p: UnsafeRawPointer) -> Float {
            var bits: UInt64 = 0
            for i in 0..<size {
                let byte = UInt64(p.load(fromByteOffset: bigEndian ? size - 1 - i : i, as: UInt8.self))
                bits |= byte << (8 * UInt64(i))
            }
            switch (kind, size) {
            case ("f", 2): return Float(Float16(bitPattern: UInt16(bits)))
            case ("f", 4): return Float(bitPattern: UInt32(bits))
            case ("f", 8): return Float(Double(bitPattern: bits))
            case ("i", _):
                let shift = UInt64(64 - 8 * size)
                return Float(Int64(bitPattern: bits << shift) >> Int64(shift))
            case ("b", _): return bits == 0 ? 0 : 1
            default: return Float(bits)
            }
        }
    }

    /// The three keys of the header, a Python dict literal such as
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, parsed from its bytes.
    static func parseHeader(
        _ text: ArraySlice<UInt8>, fail: (String) -> CortexError
    ) throws -> (descr: String?, fortranOrder: Bool?, shape: [Int]?) {
        var scanner = text
        func skipSpace() {
            while let c = scanner.first, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { scanner.removeFirst() }
        }
        func take(_ c: UInt8) throws {
            skipSpace()
            guard scanner.first == c else {
                throw fail("malformed header near \"\(String(decoding: scanner.prefix(20), as: UTF8.self))\"")
            }
            scanner.removeFirst()
        }
        func quoted() throws -> String {
            skipSpace()
            guard let quote = scanner.first, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                throw fail("malformed header: expected a string")
            }
            scanner.removeFirst()
            guard let close = scanner.firstIndex(of: quote) else { throw fail("malformed header: unterminated string") }
            let value = scanner[..<close]
            scanner = scanner[(close + 1)...]
            guard value.count <= 256, let text = String(validating: value, as: UTF8.self) else {
                throw fail("malformed header: a string that is not a short UTF-8 name")
            }
            return text
        }
        func word(_ w: String) -> Bool {
            guard scanner.starts(with: w.utf8) else { return false }
            scanner.removeFirst(w.utf8.count)
            return true
        }
        var result: (descr: String?, fortranOrder: Bool?, shape: [Int]?) = (nil, nil, nil)
        try take(UInt8(ascii: "{"))
        while true {
            skipSpace()
            if scanner.first == UInt8(ascii: "}") { break }
            let key = try quoted()
            try take(UInt8(ascii: ":"))
            skipSpace()
            switch key {
            case "descr": result.descr = try quoted()
            case "fortran_order":
                if word("True") {
                    result.fortranOrder = true
                } else if word("False") {
                    result.fortranOrder = false
                } else {
                    throw fail("fortran_order is neither True nor False")
                }
            case "shape":
                try take(UInt8(ascii: "("))
                var dims: [Int] = []
                while true {
                    skipSpace()
                    if scanner.first == UInt8(ascii: ")") {
                        scanner.removeFirst()
                        break
                    }
                    var digits = 0, value = 0
                    while let c = scanner.first, c >= 0x30 && c <= 0x39, digits < 16 {
                        value = value * 10 + Int(c - 0x30)
                        digits += 1
                        scanner.removeFirst()
                    }
                    // Python 2 wrote long integers as `3L`.
                    if digits > 0 && scanner.first == UInt8(ascii: "L") { scanner.removeFirst() }
                    guard digits > 0, scanner.first.map({ $0 < 0x30 || $0 > 0x39 }) ?? true else {
                        throw fail("shape holds a non-integer")
                    }
                    guard dims.count < maximumRank else { throw fail("shape has more than \(maximumRank) dimensions") }
                    dims.append(value)
                    skipSpace()
                    if scanner.first == UInt8(ascii: ",") { scanner.removeFirst() }
                }
                result.shape = dims
            default: throw fail("unexpected header key '\(key)'")
            }
            skipSpace()
            if scanner.first == UInt8(ascii: ",") { scanner.removeFirst() }
        }
        return result
    }
}
