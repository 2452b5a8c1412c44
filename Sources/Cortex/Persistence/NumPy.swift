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

    /// Writes `tensor` to a `.npy` file atomically.
    public static func save(_ tensor: Tensor, to url: URL, as dtype: DType = .float32) throws {
        try AtomicFile.write(encode(tensor, as: dtype), to: url)
    }

    /// Reads a `.npy` file as a `Float` tensor.
    public static func load(_ url: URL) throws -> Tensor {
        try decode(try AtomicFile.read(url), source: url.path)
    }

    /// Writes named arrays to an uncompressed `.npz` archive atomically (names get `.npy` appended).
    public static func saveArchive(_ arrays: [(String, Tensor)], to url: URL, as dtype: DType = .float32) throws {
        try AtomicFile.write(ZipArchive.write(arrays.map { ($0.0 + ".npy", encode($0.1, as: dtype)) }), to: url)
    }

    /// Reads a `.npz` archive (compressed or not); keys are the array names without `.npy`.
    public static func loadArchive(_ url: URL) throws -> [String: Tensor] {
        try decodeArchive(try AtomicFile.read(url), source: url.path)
    }

    /// Parses and validates the bytes of a `.npz` archive.
    public static func decodeArchive(_ bytes: [UInt8], source: String) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, entry) in try ZipArchive.read(bytes, source: source) {
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            guard result[key] == nil else { throw CortexError(.invalidFile, "\(source): duplicate array \(key)") }
            result[key] = try decode(entry, source: "\(source)[\(name)]")
        }
        return result
    }

    /// The bytes of a version 1.0 `.npy` file.
    public static func encode(_ tensor: Tensor, as dtype: DType = .float32) -> [UInt8] {
        let shape = tensor.shape.map(String.init).joined(separator: ", ") + (tensor.rank == 1 ? "," : "")
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': (\(shape)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        tensor.withUnsafeBufferPointer { p in
            for v in p {
                switch dtype {
                case .float32: withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 }
                case .float64: withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { bytes += $0 }
                case .int32: withUnsafeBytes(of: Int32(clamping: Int(v.rounded())).littleEndian) { bytes += $0 }
                case .int64: withUnsafeBytes(of: Int64(v.rounded()).littleEndian) { bytes += $0 }
                case .uint8: bytes.append(UInt8(clamping: Int(v.rounded())))
                }
            }
        }
        return bytes
    }

    /// Parses and validates `.npy` bytes; `source` names the file in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws -> Tensor {
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
        let dataStart = 8 + lengthBytes + headerLength
        guard dataStart <= bytes.count else {
            throw fail("header length \(headerLength) runs past the end of the file")
        }
        guard let header = String(validating: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self) else {
            throw fail("header is not valid text")
        }
        let fields = try parseHeader(header, fail: fail)
        guard let descr = fields.descr, let fortran = fields.fortranOrder, let shape = fields.shape else {
            throw fail(
                "header lacks descr, fortran_order or shape: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let type = ElementType(descr) else { throw fail("unsupported dtype '\(descr)'") }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow, product <= bytes.count else {
                throw fail("shape \(shape) is larger than the file")
            }
            count = product
        }
        guard bytes.count - dataStart == count * type.size else {
            throw fail(
                "shape \(shape) of '\(descr)' needs \(count * type.size) data bytes but the file has \(bytes.count - dataStart)"
            )
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            for i in 0..<count { values[i] = type.read(base + i * type.size) }
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
    /// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
    static func parseHeader(
        _ text: String, fail: (String) -> CortexError
    ) throws -> (descr: String?, fortranOrder: Bool?, shape: [Int]?) {
        var scanner = Array(text.unicodeScalars)[...]
        func skipSpace() { while let c = scanner.first, c == " " || c == "\n" || c == "\t" { scanner.removeFirst() } }
        func take(_ c: Unicode.Scalar) throws {
            skipSpace()
            guard scanner.first == c else {
                throw fail("malformed header near \"\(String(String.UnicodeScalarView(scanner.prefix(20))))\"")
            }
            scanner.removeFirst()
        }
        func quoted() throws -> String {
            skipSpace()
            guard let quote = scanner.first, quote == "'" || quote == "\"" else {
                throw fail("malformed header: expected a string")
            }
            scanner.removeFirst()
            var out = String.UnicodeScalarView()
            while let c = scanner.first, c != quote {
                out.append(c)
                scanner.removeFirst()
            }
            try take(quote)
            return String(out)
        }
        var result: (descr: String?, fortranOrder: Bool?, shape: [Int]?) = (nil, nil, nil)
        try take("{")
        while true {
            skipSpace()
            if scanner.first == "}" { break }
            let key = try quoted()
            try take(":")
            skipSpace()
            switch key {
            case "descr": result.descr = try quoted()
            case "fortran_order":
                if scanner.starts(with: "True".unicodeScalars) {
                    result.fortranOrder = true; scanner.removeFirst(4)
                } else if scanner.starts(with: "False".unicodeScalars) {
                    result.fortranOrder = false; scanner.removeFirst(5)
                } else {
                    throw fail("fortran_order is neither True nor False")
                }
            case "shape":
                try take("(")
                var dims: [Int] = []
                while true {
                    skipSpace()
                    if scanner.first == ")" { scanner.removeFirst(); break }
                    var digits = ""
                    while let c = scanner.first, ("0"..."9").contains(c) {
                        digits.unicodeScalars.append(c); scanner.removeFirst()
                    }
                    guard let d = Int(digits), digits.count < 16 else { throw fail("shape holds a non-integer") }
                    dims.append(d)
                    skipSpace()
                    if scanner.first == "," { scanner.removeFirst() }
                }
                result.shape = dims
            default: throw fail("unexpected header key '\(key)'")
            }
            skipSpace()
            if scanner.first == "," { scanner.removeFirst() }
        }
        return result
    }
}
