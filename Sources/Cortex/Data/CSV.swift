import Foundation

/// A numeric table: feature columns and one target column.
public struct Table: Sendable {
    /// `[rows, features]`.
    public let features: Tensor
    /// `[rows]`.
    public let target: Tensor
    /// The header names of the feature columns, in order.
    public let featureNames: [String]
}

/// Reads numeric CSV files with a header row (optionally gzipped).
public enum CSV {
    /// The longest data field accepted, in bytes (a number never needs more).
    static let maximumFieldBytes = 256

    /// Loads `url`, taking the column named `target` as the target and all others as features.
    ///
    /// The first non-blank line is the header (a UTF-8 byte-order mark is skipped; names are
    /// trimmed of spaces and double quotes). Every other non-blank line is a row of decimal
    /// numbers such as `3`, `-0.25` or `1.5e-3`; lines end in `\n`, `\r\n` or `\r`, and blank
    /// lines are skipped (line numbers in errors count them). Fields that are not plain decimal
    /// numbers are refused, among them `nan`, `inf`, hexadecimal floats, quoted numbers and
    /// fields holding a NUL byte, as are numbers beyond `Float`'s range (such as `1e39`); numbers
    /// too small for `Float` round to zero. The file is read as a stream under ``ReadLimits``:
    /// at most ``ReadLimits/maximumBytes`` of (decompressed) text, at most
    /// ``ReadLimits/maximumElements`` values and a header line of at most
    /// ``ReadLimits/maximumHeaderBytes``.
    ///
    /// Throws a ``CortexError`` naming the file, line and column for a missing target column,
    /// a ragged row, or a field that is not a number.
    ///
    /// - Parameters:
    ///   - url: a CSV file, plain or gzip-compressed.
    ///   - target: the header name of the target column.
    ///   - separator: the field separator, one ASCII character other than a line break.
    public static func load(_ url: URL, target: String = "target", separator: Character = ",") throws -> Table {
        guard let separatorByte = separator.asciiValue, separatorByte != 0x0A, separatorByte != 0x0D else {
            throw CortexError(
                .invalidArgument,
                "CSV separator must be one ASCII character other than a line break, got \"\(separator)\"")
        }
        let limits = ReadLimits.current
        let stream = try InputStream(url, limits: limits)
        var parser = Parser(file: url.lastPathComponent, target: target, separator: separatorByte, limits: limits)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { break }
            try chunk.withUnsafeBytes { try parser.consume(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
        return try parser.finish()
    }

    /// A byte-at-a-time state machine, so that no line or file is ever held whole.
    struct Parser {
        let file: String
        let target: String
        let separator: UInt8
        let limits: ReadLimits
        var line = 1
        var afterCarriageReturn = false
        var header: [UInt8] = []
        var names: [String]? = nil
        var targetIndex = 0
        var field: [UInt8] = []
        var fieldCount = 0
        var lineIsBlank = true
        var features: [Float] = []
        var targets: [Float] = []

        init(file: String, target: String, separator: UInt8, limits: ReadLimits) {
            self.file = file
            self.target = target
            self.separator = separator
            self.limits = limits
            field.reserveCapacity(CSV.maximumFieldBytes)
        }

        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(file) line \(line)\(message)") }

        mutating func consume(_ bytes: UnsafeRawBufferPointer) throws {
            for byte in bytes {
                if afterCarriageReturn {
                    afterCarriageReturn = false
                    if byte == 0x0A { continue }  // the \n of \r\n
                }
                if byte == 0x0A || byte == 0x0D {
                    try endLine()
                    line += 1
                    afterCarriageReturn = byte == 0x0D
                    continue
                }
                if names == nil {
                    guard header.count < limits.maximumHeaderBytes else {
                        throw fail(
                            ": the header line is longer than the read limit of \(limits.maximumHeaderBytes) bytes (\(ReadLimits.raiseHint("maximumHeaderBytes")))"
                        )
                    }
                    header.append(byte)
                } else if byte == separator {
                    try endField()
                } else {
                    if byte != 0x20 && byte != 0x09 { lineIsBlank = false }
                    guard field.count < CSV.maximumFieldBytes else {
                        throw fail(", column \(columnName): a field longer than \(CSV.maximumFieldBytes) bytes")
                    }
                    field.append(byte)
                }
            }
        }

        var columnName: String {
            guard let names else { return "?" }
            return fieldCount < names.count ? names[fieldCount] : String(fieldCount + 1)
        }

        mutating func endField() throws {
            lineIsBlank = false
            defer {
                field.removeAll(keepingCapacity: true)
                fieldCount += 1
            }
            guard let names, fieldCount < names.count else { return }  // a ragged row, reported at its end
            let value = try number(field)
            guard features.count + targets.count < limits.maximumElements else {
                throw fail(
                    ": the table holds more than the read limit of \(limits.maximumElements) values (\(ReadLimits.raiseHint("maximumElements")))"
                )
            }
            if fieldCount == targetIndex { targets.append(value) } else { features.append(value) }
        }

        mutating func endLine() throws {
            if names == nil {
                try readHeader()
                return
            }
            if lineIsBlank && fieldCount == 0 {
                field.removeAll(keepingCapacity: true)
                return
            }
            try endField()
            let count = fieldCount
            fieldCount = 0
            lineIsBlank = true
            guard count == names!.count else { throw fail(": \(count) fields, expected \(names!.count)") }
        }

        mutating func readHeader() throws {
            var bytes = header[...]
            if line == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                header.removeAll()
                return
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw fail(": the header is not UTF-8 text")
            }
            let parsed = text.split(separator: Character(Unicode.Scalar(separator)), omittingEmptySubsequences: false)
                .map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            guard let index = parsed.firstIndex(of: target) else {
                let shown = parsed.count > 10 ? "\(parsed.prefix(10)) and \(parsed.count - 10) more" : "\(parsed)"
                throw CortexError(.invalidFile, "\(file): no column named \"\(target)\" among \(shown)")
            }
            header = []
            names = parsed
            targetIndex = index
        }

        /// A plain decimal number: `[+-]digits[.digits][(e|E)[+-]digits]` (digits on at least one
        /// side of the point), within `Float`'s range.
        func number(_ bytes: [UInt8]) throws -> Float {
            var start = 0, end = bytes.count
            while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
            while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
            let text = bytes[start..<end]
            func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
            var i = text.startIndex
            if i < text.endIndex && (text[i] == 0x2B || text[i] == 0x2D) { i += 1 }
            var digits = 0
            while i < text.endIndex && isDigit(text[i]) { i += 1; digits += 1 }
            if i < text.endIndex && text[i] == 0x2E {
                i += 1
                while i < text.endIndex && isDigit(text[i]) { i += 1; digits += 1 }
            }
            var valid = digits > 0
            if valid && i < text.endIndex && (text[i] == 0x65 || text[i] == 0x45) {
                i += 1
                if i < text.endIndex && (text[i] == 0x2B || text[i] == 0x2D) { i += 1 }
                var exponentDigits = 0
                while i < text.endIndex && isDigit(text[i]) { i += 1; exponentDigits += 1 }
                valid = exponentDigits > 0
            }
            let shown = Self.printable(text)
            guard valid, i == text.endIndex, let value = Float(String(decoding: text, as: UTF8.self)) else {
                throw fail(", column \(columnName): \"\(shown)\" is not a number")
            }
            guard value.isFinite else {
                throw fail(", column \(columnName): \(shown) is beyond Float's range")
            }
            return value
        }

        /// The field as text for a message: control and non-ASCII bytes escaped, at most 40 shown.
        static func printable(_ bytes: ArraySlice<UInt8>) -> String {
            var out = ""
            for byte in bytes.prefix(40) {
                if byte >= 0x20 && byte < 0x7F {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
                }
            }
            return bytes.count > 40 ? out + "..." : out
        }

        mutating func finish() throws -> Table {
            if !header.isEmpty || fieldCount > 0 || !field.isEmpty { try endLine() }
            guard let names else { throw CortexError(.invalidFile, "\(file): empty file") }
            let rows = targets.count
            guard rows > 0 else { throw CortexError(.invalidFile, "\(file): no data rows") }
            var featureNames = names
            featureNames.remove(at: targetIndex)
            return Table(
                features: Tensor(features, shape: [rows, names.count - 1]), target: Tensor(targets, shape: [rows]),
                featureNames: featureNames)
        }
    }
}
