import Foundation

extension TextVectorization: Codable {
    /// The `format` value of a saved vectorizer.
    static let fileFormat = "cortex.TextVectorization"
    /// The newest file version this code writes and reads.
    static let fileVersion = 1

    private enum CodingKeys: String, CodingKey {
        case format, version, maxTokens, standardize, split, outputSequenceLength, vocabulary
    }

    /// Writes the settings and the vocabulary (reserved tokens included).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.fileFormat, forKey: .format)
        try container.encode(Self.fileVersion, forKey: .version)
        try container.encodeIfPresent(maxTokens, forKey: .maxTokens)
        try container.encode(standardize, forKey: .standardize)
        try container.encode(split, forKey: .split)
        try container.encodeIfPresent(outputSequenceLength, forKey: .outputSequenceLength)
        try container.encode(vocabulary, forKey: .vocabulary)
    }

    /// Reads what ``encode(to:)`` writes; settings out of range and vocabularies that do not
    /// start with `""`, `"[UNK]"` or repeat a token throw ``CortexError``.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens)
        let outputSequenceLength = try container.decodeIfPresent(Int.self, forKey: .outputSequenceLength)
        if let problem = Self.configurationProblem(maxTokens: maxTokens, outputSequenceLength: outputSequenceLength) {
            throw CortexError(.invalidFile, problem)
        }
        self.init(
            maxTokens: maxTokens, standardize: try container.decode(TextStandardization.self, forKey: .standardize),
            split: try container.decode(Split.self, forKey: .split), outputSequenceLength: outputSequenceLength)
        let vocabulary = try container.decode([String].self, forKey: .vocabulary)
        guard vocabulary.starts(with: [Self.paddingToken, Self.outOfVocabularyToken]) else {
            throw CortexError(
                .invalidFile, "vocabulary starts with \(Array(vocabulary.prefix(2))), expected [\"\", \"[UNK]\"]")
        }
        try setVocabulary(vocabulary)
    }

    /// Saves the settings and vocabulary as JSON, atomically (an existing file is replaced only
    /// once the new one is complete).
    ///
    /// - Parameter url: The file to write.
    public func save(to url: URL) throws {
        try PreprocessingFile.write(self, to: url)
    }

    /// Loads a vectorizer that ``save(to:)`` wrote.
    ///
    /// - Parameter url: The file to read.
    /// - Throws: ``CortexError`` naming the file for a missing, malformed or foreign file, a newer
    ///   version, or invalid settings or vocabulary.
    public static func load(from url: URL) throws -> TextVectorization {
        try PreprocessingFile.read(TextVectorization.self, format: fileFormat, version: fileVersion, from: url)
    }
}
