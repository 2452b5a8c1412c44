import Foundation
import Testing

@testable import Cortex

@Suite struct CharacterNGramsTests {
    @Test func ngramsOfPaddedWordsByHand() {
        let ngrams = CharacterNGrams()
        // " ab ": 1-grams " ", a, b, " "; 2-grams " a", ab, "b "; 3-grams " ab", "ab ".
        #expect(ngrams.ngrams(in: "ab") == [" ", "a", "b", " ", " a", "ab", "b ", " ab", "ab "])
        // " a " is shorter than nothing up to 3: the whole padded word counts once as a 3-gram.
        #expect(ngrams.ngrams(in: "A") == [" ", "a", " ", " a", "a ", " a "])
        #expect(CharacterNGrams(lengths: 2...4).ngrams(in: "a") == [" a", "a ", " a "])
        // Words are padded separately; no n-gram spans the space between them.
        #expect(CharacterNGrams(lengths: 2...2).ngrams(in: "ab  c") == [" a", "ab", "b ", " c", "c "])
        #expect(ngrams.ngrams(in: " \t").isEmpty)
    }

    @Test func ngramsOfWholeTextByHand() {
        let ngrams = CharacterNGrams(lengths: 1...3, wordBoundaries: false, standardize: .none)
        #expect(ngrams.ngrams(in: "ab c") == ["a", "b", " ", "c", "ab", "b ", " c", "ab ", "b c"])
        // No n-gram longer than the text; whitespace runs become one space.
        #expect(ngrams.ngrams(in: "A") == ["A"])
        #expect(CharacterNGrams(lengths: 2...2, wordBoundaries: false).ngrams(in: "a \n b") == ["a ", " b"])
    }

    @Test func countsAndNormalizationsByHand() throws {
        // Corpus of 1-grams: " " ×4, a ×2, b ×2; ties in String order.
        var counts = CharacterNGrams(lengths: 1...1, normalization: .counts)
        counts.adapt(["ab", "ba"])
        #expect(counts.vocabulary == [" ", "a", "b"])
        #expect(counts.featureCount == 3)
        expectClose(counts(["aab", "abc", ""]), Tensor([2, 2, 1, 2, 1, 1, 0, 0, 0], shape: [3, 3]))
        var frequency = CharacterNGrams(lengths: 1...1)
        frequency.adapt(["ab", "ba"])
        // n-grams outside the vocabulary (c) do not count towards the total.
        expectClose(frequency(["aab", "abc", ""]), Tensor([0.4, 0.4, 0.2, 0.5, 0.25, 0.25, 0, 0, 0], shape: [3, 3]))
        var l2 = CharacterNGrams(lengths: 1...1, normalization: .l2)
        l2.adapt(["ab", "ba"])
        expectClose(l2(["aab"]), Tensor([2.0 / 3, 2.0 / 3, 1.0 / 3], shape: [1, 3]))
        var limited = CharacterNGrams(lengths: 1...1, maxFeatures: 2, normalization: .counts)
        limited.adapt(["ab", "ba", "b"])
        #expect(limited.vocabulary == [" ", "b"])
        #expect(limited(["abb"]).scalars == [2, 2])
    }

    /// The counts of scikit-learn's CountVectorizer (analyzer `char_wb` and `char`, n-grams 1-3,
    /// lower case) on texts with diacritics, capitals, one letter, several words and runs of
    /// spaces (Fixtures/make_text_fixtures.py).
    @Test(arguments: [true, false])
    func matchesScikitLearn(wordBoundaries: Bool) throws {
        struct Fixture: Decodable {
            let texts: [String]
            let char_wb: [[String: Int]]
            let char: [[String: Int]]
            let char_wb_corpus: [String: Int]
            let char_corpus: [String: Int]
        }
        let fixture = try JSONDecoder().decode(
            Fixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("char_ngrams_sklearn.json")))
        let expectedRows = wordBoundaries ? fixture.char_wb : fixture.char
        let corpus = wordBoundaries ? fixture.char_wb_corpus : fixture.char_corpus
        var ngrams = CharacterNGrams(lengths: 1...3, wordBoundaries: wordBoundaries, normalization: .counts)
        ngrams.adapt(fixture.texts)
        #expect(Set(ngrams.vocabulary) == Set(corpus.keys))
        // Most frequent first.
        let totals = ngrams.vocabulary.map { corpus[$0] ?? -1 }
        #expect(totals == totals.sorted(by: >))
        let x = ngrams(fixture.texts)
        for (row, expected) in expectedRows.enumerated() {
            var actual: [String: Int] = [:]
            for (column, ngram) in ngrams.vocabulary.enumerated() {
                let value = x.scalars[row * ngrams.featureCount + column]
                if value != 0 { actual[ngram] = Int(value) }
            }
            #expect(actual == expected, "text \(row) \"\(fixture.texts[row])\"")
        }
    }

    @Test func setVocabularyRefusesBadOnes() throws {
        var ngrams = CharacterNGrams(lengths: 1...2, maxFeatures: 3, normalization: .counts)
        try ngrams.setVocabulary(["ab", "a", "b"])
        #expect(ngrams(["abab"]).scalars == [2, 2, 2])
        for (vocabulary, message) in [
            (["a", "a"], "holds \"a\" twice (again at index 1)"),
            (["a", ""], "empty n-gram at index 1"),
            (["a", "b", "c", "d"], "4 n-grams, but maxFeatures is 3"),
        ] {
            #expect { try ngrams.setVocabulary(vocabulary) } throws: {
                ($0 as? CortexError)?.description.contains(message) ?? false
            }
        }
        #expect(ngrams.vocabulary == ["ab", "a", "b"])
    }

    @Test func saveAndLoadRoundTrip() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        var ngrams = CharacterNGrams(
            lengths: 2...3, maxFeatures: 50, wordBoundaries: false, standardize: .lowercaseAndStripPunctuation,
            normalization: .l2)
        ngrams.adapt(["Straße \"x\"", "été", "på väg"])
        try ngrams.save(to: url)
        let again = try CharacterNGrams.load(from: url)
        #expect(again == ngrams)
        #expect(again(["väg été"]).scalars == ngrams(["väg été"]).scalars)
        try
            #"{"format":"cortex.CharacterNGrams","version":1,"minLength":3,"maxLength":1,"wordBoundaries":true,"standardize":"none","normalization":"l2","vocabulary":[]}"#
            .write(to: url, atomically: true, encoding: .utf8)
        #expect { try CharacterNGrams.load(from: url) } throws: {
            ($0 as? CortexError)?.description.contains("minLength 3 exceeds maxLength 1") ?? false
        }
        try
            #"{"format":"cortex.CharacterNGrams","version":1,"minLength":0,"maxLength":1,"wordBoundaries":true,"standardize":"none","normalization":"l2","vocabulary":[]}"#
            .write(to: url, atomically: true, encoding: .utf8)
        #expect { try CharacterNGrams.load(from: url) } throws: {
            ($0 as? CortexError)?.description.contains("must start at 1") ?? false
        }
    }
}
