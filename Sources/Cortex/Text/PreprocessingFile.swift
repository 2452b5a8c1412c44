import Foundation

/// Reading and writing the JSON files that hold a text preprocessor's settings and vocabulary.
///
/// Each file is one JSON object with a `format` name and a `version`, so that a file of another
/// kind, or from a newer Cortex, is refused with a message instead of misread.
enum PreprocessingFile {
    private struct Header: Decodable {
        let format: String
        let version: Int
    }

    /// Encodes `value` as pretty-printed JSON and writes it atomically.
    static func write<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(value) } catch {
            throw CortexError(.invalidArgument, "\(url.lastPathComponent): cannot encode: \(error)")
        }
        try AtomicFile.write([UInt8](data), to: url)
    }

    /// Reads a `T` from `url`, checking that the file says it holds `format` at a version up to
    /// `version`; every failure is a ``CortexError`` naming the file.
    static func read<T: Decodable>(_ type: T.Type, format: String, version: Int, from url: URL) throws -> T {
        let bytes = try InputFile(url, limits: ReadLimits.current).readAll()
        let file = url.lastPathComponent
        let decoder = JSONDecoder()
        let header: Header
        do { header = try decoder.decode(Header.self, from: Data(bytes)) } catch {
            throw CortexError(.invalidFile, "\(file): not a \(format) file (\(describe(error)))")
        }
        guard header.format == format else {
            throw CortexError(.invalidFile, "\(file): holds a \"\(header.format)\", expected a \"\(format)\"")
        }
        guard (1...version).contains(header.version) else {
            throw CortexError(
                .invalidFile, "\(file): \(format) version \(header.version), this Cortex reads versions 1...\(version)")
        }
        do { return try decoder.decode(T.self, from: Data(bytes)) } catch let error as CortexError {
            throw CortexError(error.kind == .invalidArgument ? .invalidFile : error.kind, "\(file): \(error.message)")
        } catch {
            throw CortexError(.invalidFile, "\(file): \(describe(error))")
        }
    }

    /// A one-line account of a decoding error: what was wrong and where in the file.
    private static func describe(_ error: Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.isEmpty ? "" : " at " + context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context)?: return context.debugDescription + path(context)
        case .valueNotFound(_, let context)?: return context.debugDescription + path(context)
        case .dataCorrupted(let context)?: return context.debugDescription + path(context)
        default: return "\(error)"
        }
    }
}
