import Foundation

extension CharacterNGrams: Codable {
    /// The `format` value of a saved featurizer.
    static let fileFormat = "cortex.CharacterNGrams"
    /// The newest file version this code writes and reads.
    static let fileVersion = 1

    private enum CodingKeys: String, CodingKey {
        case format, version, minLength, maxLength, maxFeatures, wordBoundaries, standardize, normalization, vocabulary
    }

    /// Writes the settings and the vocabulary.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.fileFormat, forKey: .format)
        try container.encode(Self.fileVersion, forKey: .version)
        try container.encode(lengths.lowerBound, forKey: .minLength)
        try container.encode(lengths.upperBound, forKey: .maxLength)
        try container.encodeIfPresent(maxFeatures, forKey: .maxFeatures)
        try container.encode(wordBoundaries, forKey: .wordBoundaries)
        try container.encode(standardize, forKey: .standardize)
        try container.encode(normalization, forKey: .normalization)
        try container.encode(vocabulary, forKey: .vocabulary)
    }

    /// Reads what ``encode(to:)`` writes; settings out of range and repeated n-grams throw
    /// ``CortexError``.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let minLength = try container.decode(Int.self, forKey: .minLength)
        let maxLength = try container.decode(Int.self, forKey: .maxLength)
        let maxFeatures = try container.decodeIfPresent(Int.self, forKey: .maxFeatures)
        guard minLength <= maxLength else {
            throw CortexError(.invalidFile, "minLength \(minLength) exceeds maxLength \(maxLength)")
        }
        if let problem = Self.configurationProblem(lengths: minLength...maxLength, maxFeatures: maxFeatures) {
            throw CortexError(.invalidFile, problem)
        }
        self.init(
            lengths: minLength...maxLength, maxFeatures: maxFeatures,
            wordBoundaries: try container.decode(Bool.self, forKey: .wordBoundaries),
            standardize: try container.decode(TextStandardization.self, forKey: .standardize),
            normalization: try container.decode(Normalization.self, forKey: .normalization))
        try setVocabulary(try container.decode([String].self, forKey: .vocabulary))
    }

    /// Saves the settings and vocabulary as JSON, atomically.
    ///
    /// - Parameter url: The file to write.
    public func save(to url: URL) throws {
        try PreprocessingFile.write(self, to: url)
    }

    /// Loads a featurizer that ``save(to:)`` wrote.
    ///
    /// - Parameter url: The file to read.
    /// - Throws: ``CortexError`` naming the file for a missing, malformed or foreign file, a newer
    ///   version, or invalid settings or vocabulary.
    public static func load(from url: URL) throws -> CharacterNGrams {
        try PreprocessingFile.read(CharacterNGrams.self, format: fileFormat, version: fileVersion, from: url)
    }
}
