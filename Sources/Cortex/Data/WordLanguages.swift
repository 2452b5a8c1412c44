import Foundation

/// Words and their class labels.
public struct LabeledWords: Sendable {
    /// The words, one per example.
    public let words: [String]
    /// `[count]` class indices stored as `Float`, indices into the data set's `languages`.
    public let labels: Tensor
    /// The number of examples.
    public var count: Int { words.count }

    /// Pairs words with labels.
    ///
    /// - Parameters:
    ///   - words: The words, one per example.
    ///   - labels: `[words.count]` class indices stored as `Float`.
    public init(words: [String], labels: Tensor) {
        if labels.shape != [words.count] {
            fatalError(
                "LabeledWords: labels \(labels.shape) do not match \(words.count) words; expected [\(words.count)]")
        }
        self.words = words
        self.labels = labels
    }
}

/// Loads the word-language data set: words labelled with the language whose word list they
/// come from (the bundled `Data/wordlists`: eight languages, 4,000 training and 1,000 test words
/// each, sampled from Debian's word lists).
///
/// The directory holds `train.tsv` and `test.tsv`, each optionally gzipped (`.gz`): UTF-8 text,
/// one example per line, `word<TAB>language` (blank lines are skipped, a trailing `\r` is
/// ignored). Labels are indices into `languages`, the training set's distinct language names in
/// sorted order (`de`, `en`, `es`, `fr`, `it`, `nl`, `pt`, `sv` for the bundled data).
///
/// ```swift
/// let (train, test, languages) = try WordLanguages.load(directory: "Data/wordlists")
/// train.words[0]; train.labels   // "dobbelsteenworp"; [32000] indices into languages
/// ```
public enum WordLanguages {
    /// Loads the training and test sets.
    ///
    /// - Parameter directory: The folder holding `train.tsv` and `test.tsv`.
    /// - Throws: ``CortexError`` naming the file (and the line, for a malformed one) when a file
    ///   is missing, is not UTF-8, has a line that is not `word<TAB>language` or has no rows, or
    ///   when a test language does not occur in the training set.
    public static func load(directory: String) throws -> (
        train: LabeledWords, test: LabeledWords, languages: [String]
    ) {
        try load(directory: URL(fileURLWithPath: directory))
    }

    /// Loads the training and test sets; see ``load(directory:)-(String)``.
    ///
    /// - Parameter directory: The folder holding `train.tsv` and `test.tsv`.
    public static func load(directory: URL) throws -> (train: LabeledWords, test: LabeledWords, languages: [String]) {
        let trainURL = try locate(directory, "train.tsv"), testURL = try locate(directory, "test.tsv")
        let train = try readTSV(trainURL), test = try readTSV(testURL)
        let languages = Set(train.map(\.label)).sorted()
        let index = Dictionary(uniqueKeysWithValues: languages.enumerated().map { ($1, Float($0)) })
        for row in test where index[row.label] == nil {
            throw CortexError(
                .invalidData,
                "\(testURL.lastPathComponent) line \(row.line): language \"\(row.label)\" does not occur in \(trainURL.lastPathComponent) (\(languages.joined(separator: ", ")))"
            )
        }
        func labeled(_ rows: [Row]) -> LabeledWords {
            LabeledWords(words: rows.map(\.text), labels: Tensor(rows.map { index[$0.label]! }, shape: [rows.count]))
        }
        return (labeled(train), labeled(test), languages)
    }

    struct Row {
        let text: String
        let label: String
        let line: Int
    }

    private static func locate(_ directory: URL, _ name: String) throws -> URL {
        for candidate in [name, name + ".gz"] {
            let url = directory.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw CortexError(.invalidFile, "\(directory.path): neither \(name) nor \(name).gz exists")
    }

    /// Parses `text<TAB>label` lines, keeping each row's line number for later messages.
    static func readTSV(_ url: URL) throws -> [Row] {
        let stream = try InputStream(url, limits: ReadLimits.current)
        var bytes: [UInt8] = []
        while true {
            let chunk = try stream.read(count: 1 << 20)
            if chunk.isEmpty { break }
            bytes += chunk
        }
        let file = url.lastPathComponent
        var rows: [Row] = []
        for (offset, rawLine) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            let lineNumber = offset + 1
            let lineBytes = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            if lineBytes.isEmpty { continue }
            guard let line = String(validating: lineBytes, as: UTF8.self) else {
                throw CortexError(.invalidFile, "\(file) line \(lineNumber): not UTF-8 text")
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw CortexError(
                    .invalidFile,
                    "\(file) line \(lineNumber): \(fields.count) tab-separated field\(fields.count == 1 ? "" : "s"), expected 2 (word<TAB>language)"
                )
            }
            guard !fields[0].isEmpty, !fields[1].isEmpty else {
                throw CortexError(
                    .invalidFile, "\(file) line \(lineNumber): empty \(fields[0].isEmpty ? "word" : "language")")
            }
            rows.append(Row(text: String(fields[0]), label: String(fields[1]), line: lineNumber))
        }
        guard !rows.isEmpty else { throw CortexError(.invalidFile, "\(file): no rows") }
        return rows
    }
}
