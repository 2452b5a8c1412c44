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
    /// Loads `url`, taking the column named `target` as the target and all others as features.
    ///
    /// Throws a ``CortexError`` naming the file, line and column for a missing target column,
    /// a ragged row, or a field that is not a number.
    public static func load(_ url: URL, target: String = "target", separator: Character = ",") throws -> Table {
        let bytes = try readPossiblyCompressedFile(at: url)
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw CortexError(.invalidFile, "\(url.lastPathComponent): not UTF-8 text")
        }
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).makeIterator()
        guard let header = lines.next() else { throw CortexError(.invalidFile, "\(url.lastPathComponent): empty file") }
        let names = header.split(separator: separator, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        guard let targetIndex = names.firstIndex(of: target) else {
            throw CortexError(.invalidFile, "\(url.lastPathComponent): no column named \"\(target)\" among \(names)")
        }
        var features: [Float] = [], targets: [Float] = []
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            let fields = line.split(separator: separator, omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw CortexError(
                    .invalidFile,
                    "\(url.lastPathComponent) line \(lineNumber): \(fields.count) fields, expected \(names.count)")
            }
            for (column, field) in fields.enumerated() {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let value = Float(trimmed) else {
                    throw CortexError(
                        .invalidFile,
                        "\(url.lastPathComponent) line \(lineNumber), column \(names[column]): \"\(trimmed)\" is not a number"
                    )
                }
                if column == targetIndex { targets.append(value) } else { features.append(value) }
            }
        }
        let rows = targets.count
        guard rows > 0 else { throw CortexError(.invalidFile, "\(url.lastPathComponent): no data rows") }
        var featureNames = names
        featureNames.remove(at: targetIndex)
        return Table(
            features: Tensor(features, shape: [rows, names.count - 1]), target: Tensor(targets, shape: [rows]),
            featureNames: featureNames)
    }
}
