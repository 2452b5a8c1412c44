import Foundation
import Testing

/// Runs the LanguageID example (Examples/LanguageID) on the bundled word lists as a child process,
/// so the example itself cannot rot: it must finish and its models must reach their accuracy bars.
@Suite struct LanguageIDExampleTests {
    /// Runs the example with `arguments` and returns each `result <model> accuracy <a> ...` line's accuracy.
    func runExample(_ arguments: [String]) throws -> [String: Float]? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("LanguageID")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            Issue.record("LanguageID not found at \(executable.path)")
            return nil
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["--data", repositoryRoot.appendingPathComponent("Data/wordlists").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(output)
        #expect(process.terminationStatus == 0, "LanguageID failed: \(output)")
        var accuracies: [String: Float] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("result ") {
            let fields = line.split(separator: " ")
            if fields.count >= 4, fields[2] == "accuracy", let accuracy = Float(fields[3]) {
                accuracies[String(fields[1])] = accuracy
            }
        }
        return accuracies
    }

    /// The character n-gram + LogisticRegression baseline measured 0.8461 on the test words
    /// (docs/language-id.md); chance is 0.125.
    @Test func characterNGramBaselineReachesItsBar() throws {
        guard let accuracies = try runExample(["--models", "ngram"]) else { return }
        let accuracy = try #require(accuracies["ngram"], "no result line for ngram")
        #expect(accuracy >= 0.83)
    }
}
