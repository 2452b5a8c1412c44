import Foundation
import Testing

@testable import Cortex

@Suite struct TextVectorizationTests {
    /// Characters of "abca" and "ab": a ×3, b ×2, c ×1.
    func characters(maxTokens: Int? = nil, length: Int? = nil) -> TextVectorization {
        var v = TextVectorization(
            maxTokens: maxTokens, standardize: .none, split: .character, outputSequenceLength: length)
        v.adapt(["abca", "ab"])
        return v
    }

    @Test func vocabularyIsReservedTokensThenByFrequency() {
        let v = characters()
        #expect(v.vocabulary == ["", "[UNK]", "a", "b", "c"])
        #expect(v.vocabularySize == 5)
        // Ties go in String order, whatever the order of appearance.
        var tie = TextVectorization(standardize: .none, split: .character)
        tie.adapt(["cb", "a"])
        #expect(tie.vocabulary == ["", "[UNK]", "a", "b", "c"])
    }

    @Test func mapsPadsAndTruncates() {
        let v = characters(length: 4)
        let x = v(["cab", "d", "abcab"])
        #expect(x.shape == [3, 4])
        #expect(x.scalars == [4, 2, 3, 0, /* d is unknown */ 1, 0, 0, 0, /* cut after 4 */ 2, 3, 4, 2])
        #expect(v.encode("abcab") == [2, 3, 4, 2, 3])
    }

    @Test func withoutLengthPadsToTheLongestText() {
        let v = characters()
        let x = v(["ab", "c", "bca"])
        #expect(x.shape == [3, 3])
        #expect(x.scalars == [2, 3, 0, 4, 0, 0, 3, 4, 2])
        #expect(v([]).shape == [0, 0])
        #expect(v(["", ""]).shape == [2, 0])
        #expect(characters(length: 2)([]).shape == [0, 2])
    }

    @Test func maxTokensCountsTheReservedTokens() {
        let v = characters(maxTokens: 4)
        #expect(v.vocabulary == ["", "[UNK]", "a", "b"])
        #expect(v(["cab"]).scalars == [1, 2, 3])
    }

    @Test func unadaptedVectorizerMapsEverythingOutOfVocabulary() {
        let v = TextVectorization(split: .character, outputSequenceLength: 3)
        #expect(v.vocabulary == ["", "[UNK]"])
        #expect(v(["xy"]).scalars == [1, 1, 0])
    }

    @Test func standardizesAndSplitsWords() {
        var v = TextVectorization()  // Keras's defaults: lower case, no punctuation, words
        #expect(v.tokens(in: "Hello, World! hello-there\tÉté's") == ["hello", "world", "hellothere", "étés"])
        v.adapt(["the cat", "The dog, the end."])
        #expect(v.vocabulary == ["", "[UNK]", "the", "cat", "dog", "end"])
        #expect(v(["the bird", "cat"]).scalars == [2, 1, 3, 0])
        #expect(TextStandardization.lowercase.apply("ÅSA, Straße!") == "åsa, straße!")
        #expect(TextStandardization.none.apply("ÅSA") == "ÅSA")
        #expect(TextStandardization.lowercaseAndStripPunctuation.apply("l'été (2024)") == "lété 2024")
    }

    @Test func charactersAreGraphemeClusters() {
        var v = TextVectorization(standardize: .none, split: .character)
        v.adapt(["caf\u{E9}"])  // precomposed é
        // Decomposed e + combining acute is one Character, equal to the precomposed one.
        #expect(v.encode("cafe\u{301}") == v.encode("caf\u{E9}"))
        #expect(v.encode("cafe\u{301}").count == 4)
        #expect(!v.encode("cafe\u{301}").contains(TextVectorization.outOfVocabularyIndex))
    }

    @Test func decodeRoundTrips() throws {
        var v = TextVectorization(standardize: .lowercase, split: .character, outputSequenceLength: 12)
        let words = ["Straße", "été", "dobbelsteen", "på väg"]
        v.adapt(words)
        #expect(try v.decode(v(words)) == words.map { $0.lowercased() })
        #expect(try v.decode(v(["zebra"])) == ["[UNK]ebra"])  // no z in the training words
        #expect(try v.decode(Tensor([2, 0, 0])) == [v.vocabulary[2]])
        var w = TextVectorization(split: .whitespace)
        w.adapt(["a b c"])
        #expect(try w.decode(w(["c a", "b"])) == ["c a", "b"])
        #expect(throws: CortexError.self) { try v.decode(Tensor([0.5], shape: [1, 1])) }
        #expect(throws: CortexError.self) { try v.decode(Tensor([Float(v.vocabularySize)], shape: [1, 1])) }
        #expect(throws: CortexError.self) { try v.decode(Tensor(zeros: [1, 1, 1])) }
    }

    @Test func setVocabularyAcceptsKerasLayoutsAndRefusesBadOnes() throws {
        var v = TextVectorization(maxTokens: 5, split: .character)
        try v.setVocabulary(["x", "y"])
        #expect(v.vocabulary == ["", "[UNK]", "x", "y"])
        try v.setVocabulary(["", "[UNK]", "y", "x", "z"])
        #expect(v.vocabulary == ["", "[UNK]", "y", "x", "z"])
        #expect(v(["zxq"]).scalars == [4, 3, 1])
        for (tokens, message) in [
            (["x", "x"], "holds \"x\" twice (again at index 3)"),
            (["x", "[UNK]"], "reserved token \"[UNK]\" at index 3"),
            (["x", ""], "reserved token \"\" at index 3"),
            (["a", "b", "c", "d"], "6 tokens with the reserved ones, but maxTokens is 5"),
        ] {
            #expect { try v.setVocabulary(tokens) } throws: {
                ($0 as? CortexError)?.description.contains(message) ?? false
            }
        }
        #expect(v.vocabulary == ["", "[UNK]", "y", "x", "z"])  // unchanged by the refusals
    }

    @Test func saveAndLoadRoundTrip() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        var v = TextVectorization(maxTokens: 40, standardize: .none, split: .character, outputSequenceLength: 6)
        v.adapt(["a \"quoted\"\n line", "tab\there", "été\\ß", "emoji 👩‍👩‍👧"])
        try v.save(to: url)
        let again = try TextVectorization.load(from: url)
        #expect(again == v)
        let probe = ["été 👩‍👩‍👧", "zzz\n\t\"", ""]
        #expect(again(probe).scalars == v(probe).scalars)
        // Without a length or a limit too.
        let plain = characters()
        try plain.save(to: url)
        #expect(try TextVectorization.load(from: url) == plain)
    }

    @Test func loadRefusesBadFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let valid = #"{"format":"cortex.TextVectorization","version":1,"split":"character","standardize":"none","#
        for (text, message) in [
            ("{", "not a cortex.TextVectorization file"),
            (#"{"format":"cortex.CharacterNGrams","version":1}"#, "holds a \"cortex.CharacterNGrams\""),
            (#"{"format":"cortex.TextVectorization","version":2}"#, "version 2, this Cortex reads versions 1...1"),
            (valid + #""vocabulary":["a","b"]}"#, "vocabulary starts with [\"a\", \"b\"]"),
            (valid + #""vocabulary":["","[UNK]","a","a"]}"#, "holds \"a\" twice"),
            (valid + #""maxTokens":2,"vocabulary":["","[UNK]"]}"#, "maxTokens is 2"),
            (valid + #""outputSequenceLength":0,"vocabulary":["","[UNK]"]}"#, "outputSequenceLength is 0"),
            (valid + #""vocabulary":"abc"}"#, "vocabulary"),
            (
                #"{"format":"cortex.TextVectorization","version":1,"split":"bytes","standardize":"none","vocabulary":[]}"#,
                "split"
            ),
        ] {
            try text.write(to: url, atomically: true, encoding: .utf8)
            #expect {
                try TextVectorization.load(from: url)
            } throws: {
                guard let error = $0 as? CortexError else { return false }
                return error.kind == .invalidFile && error.description.contains(url.lastPathComponent)
                    && error.description.contains(message)
            }
        }
        #expect(throws: CortexError.self) {
            try TextVectorization.load(from: url.appendingPathExtension("missing"))
        }
    }
}
