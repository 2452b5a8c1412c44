import Foundation

/// Bag-of-character-n-grams features: each text becomes a row counting how often each n-gram of
/// a vocabulary learned from training text occurs in it, normalized per row.
///
/// ```swift
/// var ngrams = CharacterNGrams(lengths: 1...3, maxFeatures: 2000)
/// ngrams.adapt(train.words)
/// let x = ngrams(train.words)          // [n, 2000], each row summing to 1
/// var model = LogisticRegression(l2: 1e-6)
/// try model.fit(x, train.labels)
/// ```
///
/// With `wordBoundaries` (the default) the n-grams are scikit-learn's `char_wb` analyzer's: each
/// whitespace-separated word is padded with one space on either side, so `" wo"` and `"rd "`
/// mark a word's start and end and no n-gram spans two words; a padded word shorter than `n`
/// counts once as a whole. Without it they are the `char` analyzer's: n-grams of the whole text
/// (whitespace runs collapsed to one space), none longer than the text. Characters are Swift
/// `Character`s.
public struct CharacterNGrams: Sendable, Equatable {
    /// How each row of counts is scaled.
    public enum Normalization: String, Sendable, Codable {
        /// Raw counts.
        case counts
        /// Counts divided by the row's total (L1): the relative frequency of each n-gram.
        case termFrequency
        /// Counts divided by the row's Euclidean norm (L2), as scikit-learn's `TfidfVectorizer`
        /// without idf.
        case l2
    }

    /// The n-gram lengths, e.g. `1...3`.
    public let lengths: ClosedRange<Int>
    /// The largest number of features; `nil` keeps every n-gram that ``adapt(_:)`` sees.
    public let maxFeatures: Int?
    /// Whether n-grams stay within space-padded words (`char_wb`) or run over the whole text (`char`).
    public let wordBoundaries: Bool
    /// The normalization applied before n-grams are taken.
    public let standardize: TextStandardization
    /// The scaling of each output row.
    public let normalization: Normalization
    /// The n-grams in feature order: most frequent in the training text first.
    public private(set) var vocabulary: [String] = []
    private var indices: [String: Int] = [:]

    /// Creates a featurizer with an empty vocabulary; call ``adapt(_:)`` before use.
    ///
    /// - Parameters:
    ///   - lengths: The n-gram lengths, starting at 1 or more.
    ///   - maxFeatures: The number of most frequent n-grams kept, at least 1; `nil` for all.
    ///   - wordBoundaries: `true` for n-grams within space-padded words, `false` for n-grams of
    ///     the whole text.
    ///   - standardize: The normalization before n-grams are taken; lower case by default.
    ///   - normalization: The scaling of each row; relative frequencies by default.
    public init(
        lengths: ClosedRange<Int> = 1...3, maxFeatures: Int? = nil, wordBoundaries: Bool = true,
        standardize: TextStandardization = .lowercase, normalization: Normalization = .termFrequency
    ) {
        if let problem = Self.configurationProblem(lengths: lengths, maxFeatures: maxFeatures) {
            fatalError("CharacterNGrams: \(problem)")
        }
        self.lengths = lengths
        self.maxFeatures = maxFeatures
        self.wordBoundaries = wordBoundaries
        self.standardize = standardize
        self.normalization = normalization
    }

    static func configurationProblem(lengths: ClosedRange<Int>, maxFeatures: Int?) -> String? {
        if lengths.lowerBound < 1 { return "lengths \(lengths) must start at 1 or more" }
        if let maxFeatures, maxFeatures < 1 { return "maxFeatures is \(maxFeatures), expected at least 1" }
        return nil
    }

    /// The number of features: the width of the tensors that ``callAsFunction(_:)`` returns.
    public var featureCount: Int { vocabulary.count }

    /// Every n-gram of `text`, repeats included, shortest first within each word.
    ///
    /// - Parameter text: The text to analyze.
    public func ngrams(in text: String) -> [String] {
        var result: [String] = []
        forEachNGram(in: text) { result.append(String($0)) }
        return result
    }

    private func forEachNGram(in text: String, _ body: (ArraySlice<Character>) -> Void) {
        let standardized = standardize.apply(text)
        if wordBoundaries {
            for word in standardized.split(whereSeparator: \.isWhitespace) {
                let padded = [" "] + Array(word) + [" "]
                for n in lengths {
                    if n >= padded.count {
                        body(padded[...])
                        break
                    }
                    for start in 0...(padded.count - n) { body(padded[start..<(start + n)]) }
                }
            }
        } else {
            let characters = Array(collapsedWhitespace(standardized))
            for n in lengths where n <= characters.count {
                for start in 0...(characters.count - n) { body(characters[start..<(start + n)]) }
            }
        }
    }

    /// `text` with each run of whitespace replaced by one space (leading and trailing runs too).
    private func collapsedWhitespace(_ text: String) -> String {
        var result = ""
        var inWhitespace = false
        for character in text {
            if character.isWhitespace {
                if !inWhitespace { result.append(" ") }
                inWhitespace = true
            } else {
                result.append(character)
                inWhitespace = false
            }
        }
        return result
    }

    /// Learns the vocabulary from `texts`, replacing the current one: the n-grams with the most
    /// occurrences over all texts (ties in the order of `String`'s `<`), at most `maxFeatures`.
    ///
    /// - Parameter texts: The training texts.
    public mutating func adapt(_ texts: [String]) {
        var counts: [String: Int] = [:]
        for text in texts { forEachNGram(in: text) { counts[String($0), default: 0] += 1 } }
        var ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        if let maxFeatures { ranked = Array(ranked.prefix(maxFeatures)) }
        install(ranked)
    }

    /// Sets the vocabulary: `ngrams` in feature order.
    ///
    /// - Parameter ngrams: Distinct, non-empty n-grams, no more than `maxFeatures`.
    /// - Throws: ``CortexError`` (`.invalidArgument`) naming the offending n-gram.
    public mutating func setVocabulary(_ ngrams: [String]) throws {
        var seen = Set<String>()
        for (index, ngram) in ngrams.enumerated() {
            guard !ngram.isEmpty else {
                throw CortexError(
                    .invalidArgument, "CharacterNGrams vocabulary holds an empty n-gram at index \(index)")
            }
            guard seen.insert(ngram).inserted else {
                throw CortexError(
                    .invalidArgument, "CharacterNGrams vocabulary holds \"\(ngram)\" twice (again at index \(index))")
            }
        }
        if let maxFeatures, ngrams.count > maxFeatures {
            throw CortexError(
                .invalidArgument,
                "CharacterNGrams vocabulary has \(ngrams.count) n-grams, but maxFeatures is \(maxFeatures)")
        }
        install(ngrams)
    }

    private mutating func install(_ ngrams: [String]) {
        vocabulary = ngrams
        indices = Dictionary(uniqueKeysWithValues: ngrams.enumerated().map { ($1, $0) })
    }

    /// The features of `texts`: `[texts.count, featureCount]`, n-grams outside the vocabulary
    /// ignored, each row scaled by ``normalization`` (a row with no known n-gram stays zero).
    ///
    /// - Parameter texts: The texts, one per row.
    public func callAsFunction(_ texts: [String]) -> Tensor {
        let width = vocabulary.count
        var values = [Float](repeating: 0, count: texts.count * width)
        values.withUnsafeMutableBufferPointer { out in
            for (row, text) in texts.enumerated() {
                let base = row * width
                forEachNGram(in: text) { ngram in
                    if let column = indices[String(ngram)] { out[base + column] += 1 }
                }
                var scale: Float = 1
                switch normalization {
                case .counts: break
                case .termFrequency:
                    var total: Float = 0
                    for column in 0..<width { total += out[base + column] }
                    if total > 0 { scale = 1 / total }
                case .l2:
                    var squares: Float = 0
                    for column in 0..<width { squares += out[base + column] * out[base + column] }
                    if squares > 0 { scale = 1 / squares.squareRoot() }
                }
                if scale != 1 { for column in 0..<width { out[base + column] *= scale } }
            }
        }
        return Tensor(values, shape: [texts.count, width])
    }
}
