import Foundation
import Testing

@testable import Cortex

@Suite struct WordLanguagesTests {
    @Test func loadsTheBundledSample() throws {
        let (train, test, languages) = try WordLanguages.load(
            directory: repositoryRoot.appendingPathComponent("Data/wordlists"))
        #expect(languages == ["de", "en", "es", "fr", "it", "nl", "pt", "sv"])
        #expect(train.count == 32_000 && test.count == 8_000)
        #expect(train.labels.shape == [32_000] && test.labels.shape == [8_000])
        for (set, perLanguage) in [(train, 4_000), (test, 1_000)] {
            var counts = [Int](repeating: 0, count: languages.count)
            for label in set.labels.scalars { counts[Int(label)] += 1 }
            #expect(counts == [Int](repeating: perLanguage, count: languages.count))
            #expect(set.words.allSatisfy { $0.count >= 2 && $0 == $0.lowercased() && $0.allSatisfy(\.isLetter) })
        }
        // Disjoint splits, and no word under two languages.
        #expect(Set(train.words).count == train.count && Set(test.words).count == test.count)
        #expect(Set(train.words).isDisjoint(with: test.words))
        #expect(train.words[0] == "dobbelsteenworp" && languages[Int(train.labels.scalars[0])] == "nl")
    }

    func withFiles(train: [UInt8], test: [UInt8], _ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-words-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(train).write(to: directory.appendingPathComponent("train.tsv"))
        try Data(test).write(to: directory.appendingPathComponent("test.tsv"))
        try body(directory)
    }

    @Test func readsLabelsInSortedOrderAcrossBlankLinesAndCRLF() throws {
        try withFiles(train: Array("haus\tde\r\n\ncat\ten\nhus\tsv\n".utf8), test: Array("dog\ten".utf8)) { directory in
            let (train, test, languages) = try WordLanguages.load(directory: directory.path)
            #expect(languages == ["de", "en", "sv"])
            #expect(train.words == ["haus", "cat", "hus"])
            #expect(train.labels.scalars == [0, 1, 2])
            #expect(test.words == ["dog"] && test.labels.scalars == [1])
        }
    }

    @Test func malformedFilesThrowWithTheLineNumber() throws {
        let good = Array("ab\ten\n".utf8)
        for (train, test, message) in [
            (
                Array("ab\ten\n\ncd\n".utf8), good,
                "train.tsv line 3: 1 tab-separated field, expected 2 (word<TAB>language)"
            ),
            (Array("ab\ten\tx\n".utf8), good, "train.tsv line 1: 3 tab-separated fields, expected 2"),
            (Array("ab\ten\n\ten\n".utf8), good, "train.tsv line 2: empty word"),
            (good, Array("ab\t\n".utf8), "test.tsv line 1: empty language"),
            (Array("ab\ten\nc".utf8) + [0xC3, 0x28] + Array("\ten\n".utf8), good, "train.tsv line 2: not UTF-8 text"),
            (Array("\n\n".utf8), good, "train.tsv: no rows"),
            (good, Array("ab\ten\ncd\txx\n".utf8), "test.tsv line 2: language \"xx\" does not occur in train.tsv (en)"),
        ] {
            try withFiles(train: train, test: test) { directory in
                #expect {
                    try WordLanguages.load(directory: directory)
                } throws: {
                    ($0 as? CortexError)?.description.contains(message) ?? false
                }
            }
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-none-\(UUID())")
        #expect { try WordLanguages.load(directory: empty) } throws: {
            ($0 as? CortexError)?.description.contains("neither train.tsv nor train.tsv.gz exists") ?? false
        }
    }
}
