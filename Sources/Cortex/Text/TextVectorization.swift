import Foundation

/// Maps strings to sequences of token indices, as Keras's `TextVectorization` with
/// `output_mode="int"`: a vocabulary built from training text, index 0 for padding, index 1 for
/// tokens outside the vocabulary.
///
/// ```swift
/// var vectorizer = TextVectorization(maxTokens: 64, standardize: .lowercase, split: .character,
///                                    outputSequenceLength: 16)
/// vectorizer.adapt(train.words)                 // vocabulary: "", "[UNK]", then by frequency
/// let x = vectorizer(train.words)                // [n, 16] Float indices, for Embedding
/// try vectorizer.save(to: URL(fileURLWithPath: "vectorizer.json"))
/// ```
///
/// Text is standardized, then split into tokens: Swift `Character`s (extended grapheme
/// clusters, so a letter with its combining accents is one token and composed and decomposed
/// forms are the same token) or whitespace-separated words. Each row of the output holds a text's
/// token indices from the left, cut after `outputSequenceLength` tokens (the rest is dropped, as
/// in Keras) or filled up with 0.
public struct TextVectorization: Sendable, Equatable {
    /// How standardized text is cut into tokens.
    public enum Split: String, Sendable, Codable {
        /// Runs of non-whitespace characters are tokens.
        case whitespace
        /// Every character, spaces included, is a token.
        case character
    }

    /// The token at ``paddingIndex``: the empty string.
    public static let paddingToken = ""
    /// The token at ``outOfVocabularyIndex``, as in Keras.
    public static let outOfVocabularyToken = "[UNK]"
    /// The index that fills a row after its text's tokens: 0.
    public static let paddingIndex = 0
    /// The index of every token that is not in the vocabulary: 1.
    public static let outOfVocabularyIndex = 1

    /// The largest vocabulary, counting the padding and out-of-vocabulary tokens; `nil` for no limit.
    public let maxTokens: Int?
    /// The normalization applied before splitting.
    public let standardize: TextStandardization
    /// Words or characters.
    public let split: Split
    /// The length of every output row; `nil` pads each call's texts to the longest among them.
    public let outputSequenceLength: Int?
    /// The tokens in index order: `""`, `"[UNK]"`, then the learned tokens, most frequent first.
    public private(set) var vocabulary: [String] = [paddingToken, outOfVocabularyToken]
    private var indices: [String: Int] = [:]

    /// Creates a vectorizer with an empty vocabulary (every token maps to
    /// ``outOfVocabularyIndex`` until ``adapt(_:)`` or ``setVocabulary(_:)``).
    ///
    /// - Parameters:
    ///   - maxTokens: The largest vocabulary including the two reserved tokens, at least 3; `nil`
    ///     keeps every token seen by ``adapt(_:)``.
    ///   - standardize: The normalization before splitting; Keras's default lower-cases and
    ///     strips ASCII punctuation.
    ///   - split: `.whitespace` for words (Keras's default), `.character` for characters.
    ///   - outputSequenceLength: The fixed row length, at least 1; `nil` pads to the longest text
    ///     of each call.
    public init(
        maxTokens: Int? = nil, standardize: TextStandardization = .lowercaseAndStripPunctuation,
        split: Split = .whitespace, outputSequenceLength: Int? = nil
    ) {
        if let problem = Self.configurationProblem(maxTokens: maxTokens, outputSequenceLength: outputSequenceLength) {
            fatalError("TextVectorization: \(problem)")
        }
        self.maxTokens = maxTokens
        self.standardize = standardize
        self.split = split
        self.outputSequenceLength = outputSequenceLength
    }

    static func configurationProblem(maxTokens: Int?, outputSequenceLength: Int?) -> String? {
        if let maxTokens, maxTokens < 3 {
            return "maxTokens is \(maxTokens), expected at least 3 (padding, out-of-vocabulary and one token)"
        }
        if let outputSequenceLength, outputSequenceLength < 1 {
            return "outputSequenceLength is \(outputSequenceLength), expected at least 1"
        }
        return nil
    }

    /// The number of indices, reserved ones included: the `inputDim` of an ``Embedding`` that reads
    /// this vectorizer's output.
    public var vocabularySize: Int { vocabulary.count }

    /// The tokens of `text` after standardization, before lookup.
    ///
    /// - Parameter text: The text to split.
    public func tokens(in text: String) -> [String] {
        let standardized = standardize.apply(text)
        switch split {
        case .character: return standardized.map { String($0) }
        case .whitespace: return standardized.split(whereSeparator: \.isWhitespace).map(String.init)
        }
    }

    /// Builds the vocabulary from `texts`, replacing the current one: the most frequent tokens
    /// (ties in the order of `String`'s `<`), at most `maxTokens - 2` of them.
    ///
    /// - Parameter texts: The training texts.
    public mutating func adapt(_ texts: [String]) {
        var counts: [String: Int] = [:]
        for text in texts {
            for token in tokens(in: text) { counts[token, default: 0] += 1 }
        }
        // The reserved tokens keep their indices even if the text holds them literally.
        counts[Self.paddingToken] = nil
        counts[Self.outOfVocabularyToken] = nil
        var ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        if let maxTokens { ranked = Array(ranked.prefix(maxTokens - 2)) }
        install(ranked)
    }

    /// Sets the vocabulary, as Keras's `set_vocabulary`: `tokens` in index order, with or without
    /// the leading `""` and `"[UNK]"`.
    ///
    /// - Parameter tokens: The tokens; they must be distinct and non-empty, and fit `maxTokens`.
    /// - Throws: ``CortexError`` (`.invalidArgument`) naming the offending token.
    public mutating func setVocabulary(_ tokens: [String]) throws {
        var learned = tokens[...]
        if learned.starts(with: [Self.paddingToken, Self.outOfVocabularyToken]) { learned = learned.dropFirst(2) }
        var seen = Set<String>()
        for (offset, token) in learned.enumerated() {
            let index = offset + 2
            if token == Self.paddingToken || token == Self.outOfVocabularyToken {
                throw CortexError(
                    .invalidArgument,
                    "TextVectorization vocabulary holds the reserved token \"\(token)\" at index \(index); reserved tokens may only lead it as \"\", \"[UNK]\""
                )
            }
            guard seen.insert(token).inserted else {
                throw CortexError(
                    .invalidArgument, "TextVectorization vocabulary holds \"\(token)\" twice (again at index \(index))")
            }
        }
        if let maxTokens, learned.count + 2 > maxTokens {
            throw CortexError(
                .invalidArgument,
                "TextVectorization vocabulary has \(learned.count + 2) tokens with the reserved ones, but maxTokens is \(maxTokens)"
            )
        }
        install(Array(learned))
    }

    private mutating func install(_ learned: [String]) {
        vocabulary = [Self.paddingToken, Self.outOfVocabularyToken] + learned
        indices = Dictionary(uniqueKeysWithValues: learned.enumerated().map { ($1, $0 + 2) })
    }

    /// The index of every token of `text`, unpadded and uncut.
    ///
    /// - Parameter text: The text to encode.
    public func encode(_ text: String) -> [Int] {
        tokens(in: text).map { indices[$0] ?? Self.outOfVocabularyIndex }
    }

    /// Vectorizes `texts` into a `[texts.count, length]` tensor of token indices stored as `Float`,
    /// `length` being ``outputSequenceLength`` or else the longest text's token count.
    ///
    /// - Parameter texts: The texts, one per row.
    public func callAsFunction(_ texts: [String]) -> Tensor {
        let rows = texts.map(encode)
        let length = outputSequenceLength ?? rows.map(\.count).max() ?? 0
        var values = [Float](repeating: Float(Self.paddingIndex), count: rows.count * length)
        for (r, row) in rows.enumerated() {
            for (t, index) in row.prefix(length).enumerated() { values[r * length + t] = Float(index) }
        }
        return Tensor(values, shape: [rows.count, length])
    }

    /// Turns rows of indices back into text: padding is dropped, out-of-vocabulary positions
    /// read `[UNK]`, tokens are joined without a separator (characters) or with one space (words).
    ///
    /// - Parameter indices: `[n, length]` (or `[length]` for one row) indices, as
    ///   ``callAsFunction(_:)`` returns.
    /// - Throws: ``CortexError`` for another rank, or a value that is not an index of the vocabulary.
    public func decode(_ indices: Tensor) throws -> [String] {
        guard indices.rank == 1 || indices.rank == 2 else {
            throw CortexError(
                .shapeMismatch, "TextVectorization.decode expects [n, length] or [length] but got \(indices.shape)")
        }
        let rowCount = indices.rank == 2 ? indices.shape[0] : 1, length = indices.shape.last!
        let values = indices.scalars
        let separator = split == .character ? "" : " "
        return try (0..<rowCount).map { row in
            var tokens: [String] = []
            for position in 0..<length {
                let value = values[row * length + position]
                guard value >= 0, value < Float(vocabulary.count), value == value.rounded() else {
                    throw CortexError(
                        .invalidData,
                        "TextVectorization.decode: \(value) at row \(row), position \(position) is not an index below \(vocabulary.count)"
                    )
                }
                if Int(value) != Self.paddingIndex { tokens.append(vocabulary[Int(value)]) }
            }
            return tokens.joined(separator: separator)
        }
    }
}
