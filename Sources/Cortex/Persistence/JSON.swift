/// A small, strict JSON reader for file headers.
///
/// Foundation's parser silently keeps one of two duplicate keys; safetensors headers must
/// refuse them, and a reader that faces untrusted files must never crash or recurse without
/// bound. Objects keep their keys in file order.
enum JSONValue: Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        case let (.array(a), .array(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses UTF-8 bytes holding exactly one JSON value (surrounding whitespace allowed).
    /// Arrays longer than `maximumArrayLength` are refused, which bounds the memory a header
    /// of numbers can take.
    static func parse(_ bytes: ArraySlice<UInt8>, maximumArrayLength: Int = .max) throws -> JSONValue {
        var parser = Parser(bytes: bytes, maximumArrayLength: maximumArrayLength, index: bytes.startIndex)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.endIndex else {
            throw ParseError(description: "trailing bytes at offset \(parser.index - bytes.startIndex)")
        }
        return value
    }

    static func parse(_ bytes: [UInt8], maximumArrayLength: Int = .max) throws -> JSONValue {
        try parse(bytes[...], maximumArrayLength: maximumArrayLength)
    }

    private struct Parser {
        let bytes: ArraySlice<UInt8>
        let maximumArrayLength: Int
        var index: Int
        static let maximumDepth = 64

        mutating func skipWhitespace() {
            while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func error(_ message: String) -> ParseError {
            ParseError(description: "\(message) at offset \(index - bytes.startIndex)")
        }

        mutating func expect(_ byte: UInt8) throws {
            guard index < bytes.endIndex, bytes[index] == byte else {
                throw error("expected '\(Character(Unicode.Scalar(byte)))'")
            }
            index += 1
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < Parser.maximumDepth else { throw error("nesting deeper than \(Parser.maximumDepth)") }
            guard index < bytes.endIndex else { throw error("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: String) throws {
            for byte in word.utf8 { try expect(byte) }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            try expect(UInt8(ascii: "{"))
            var members: [(String, JSONValue)] = []
            skipWhitespace()
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.endIndex else { throw error("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                if let duplicate = Self.firstDuplicate(members) { throw error("duplicate key \"\(duplicate)\"") }
                return .object(members)
            }
        }

        /// A key that occurs twice, found without a per-object hash set (which, for a header of
        /// many small objects, would take more memory than the objects).
        static func firstDuplicate(_ members: [(String, JSONValue)]) -> String? {
            if members.count <= 8 {
                for i in members.indices {
                    for j in members.indices where j > i && members[i].0 == members[j].0 { return members[i].0 }
                }
                return nil
            }
            let order = members.indices.sorted { members[$0].0 < members[$1].0 }
            for k in order.indices.dropFirst() where members[order[k]].0 == members[order[k - 1]].0 {
                return members[order[k]].0
            }
            return nil
        }

        mutating func array(depth: Int) throws -> JSONValue {
            try expect(UInt8(ascii: "["))
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                guard elements.count < maximumArrayLength else {
                    throw error("array longer than \(maximumArrayLength) elements")
                }
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.endIndex else { throw error("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(elements)
            }
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var scalars: [UInt8] = []
            while true {
                guard index < bytes.endIndex else { throw error("unterminated string") }
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { break }
                guard byte >= 0x20 else { throw error("control character in string") }
                if byte != UInt8(ascii: "\\") {
                    scalars.append(byte)
                    continue
                }
                guard index < bytes.endIndex else { throw error("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {  // a surrogate pair
                        try expect(UInt8(ascii: "\\"))
                        try expect(UInt8(ascii: "u"))
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("bad surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("bad \\u escape") }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw error("bad escape")
                }
            }
            guard let text = String(validating: scalars, as: UTF8.self) else {
                throw error("string is not valid UTF-8")
            }
            return text
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.endIndex else { throw error("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else {
                    throw error("bad hex digit")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        mutating func number() throws -> Double {
            let start = index
            while index < bytes.endIndex, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            guard index > start, let text = String(bytes: bytes[start..<index], encoding: .utf8),
                let value = Double(text),
                value.isFinite
            else { throw error("bad number") }
            return value
        }
    }
}

extension JSONValue {
    /// Compact JSON text (object keys in their stored order).
    var serialized: String {
        switch self {
        case .object(let members):
            return "{" + members.map { "\(JSONValue.quote($0.0)):\($0.1.serialized)" }.joined(separator: ",") + "}"
        case .array(let elements): return "[" + elements.map(\.serialized).joined(separator: ",") + "]"
        case .string(let s): return JSONValue.quote(s)
        case .number(let n): return n == n.rounded() && Swift.abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

import Foundation
