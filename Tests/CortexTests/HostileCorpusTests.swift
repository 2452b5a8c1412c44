import Foundation
import HostileFiles
import Testing

@testable import Cortex

/// Every file of the hostile corpus (Tests/HostileFiles) goes to its reader in a fresh process
/// (`ReadProbe`): each must give a thrown CortexError with the expected message or a documented
/// accept, none may crash or hang, none may raise the process's peak resident memory above
/// 256 MB, and a refused weights file or checkpoint must leave the model exactly as it was.
@Suite struct HostileCorpusTests {
    static let corpus = HostileCorpus.cases()
    static let peakLimitKilobytes = 256 * 1024

    /// The ReadProbe helper, built next to this test binary.
    var probe: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ReadProbe")
    }

    @Test func corpusHasAtLeast150Files() {
        #expect(Self.corpus.count >= 150)
        #expect(Set(Self.corpus.map(\.description)).count == Self.corpus.count, "case names are unique")
    }

    @Test(arguments: corpus)
    func hostileFile(_ hostile: HostileCase) throws {
        // CORTEX_CORPUS_ONLY=<text> runs only the cases whose name contains it.
        if let only = ProcessInfo.processInfo.environment["CORTEX_CORPUS_ONLY"], !hostile.description.contains(only) {
            return
        }
        guard FileManager.default.isExecutableFile(atPath: probe.path) else {
            Issue.record("ReadProbe helper not found at \(probe.path)")
            return
        }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try hostile.materialize(in: folder)
        var arguments = [hostile.reader.rawValue, hostile.optimizer.rawValue, path.path]
        if let limits = hostile.limits {
            arguments += [limits.maximumBytes, limits.maximumElements, limits.maximumHeaderBytes].map(String.init)
        }
        // Debug builds scan a gigabyte of text slowly; release builds take a few seconds.
        #if DEBUG
            let timeout = 900.0
        #else
            let timeout = 120.0
        #endif
        let (status, output) = try run(probe, arguments, timeout: timeout)
        guard let status else {
            Issue.record("\(hostile): hung (killed after \(timeout) s)")
            return
        }
        guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("outcome=") }) else {
            Issue.record("\(hostile): the probe ended with status \(status): \(output.suffix(2000))")
            return
        }
        let fields = Dictionary(
            line.split(separator: " ", maxSplits: 3).map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { a, _ in a })
        let detail = fields["detail"] ?? ""
        switch hostile.expectation {
        case .refused(let message):
            #expect(fields["outcome"] == "refused", "\(hostile): accepted (\(detail))")
            #expect(detail.contains(message), "\(hostile): refused with \"\(detail)\", expected \"\(message)\"")
            #expect(!detail.hasPrefix("not a CortexError"), "\(hostile): \(detail)")
            if hostile.reader == .safetensors || hostile.reader == .checkpoint {
                #expect(fields["unchanged"] == "yes", "\(hostile): the refused load changed the model")
            }
        case .accepted(let summary):
            #expect(fields["outcome"] == "accepted", "\(hostile): refused with \"\(detail)\"")
            #expect(detail.contains(summary), "\(hostile): accepted as \"\(detail)\", expected \"\(summary)\"")
        }
        let peak = Int(fields["peak_kb"] ?? "") ?? Int.max
        if ProcessInfo.processInfo.environment["CORTEX_CORPUS_REPORT"] != nil {
            print("corpus \(hostile) \(line)")
        }
        #expect(peak <= Self.peakLimitKilobytes, "\(hostile): peak resident memory \(peak / 1024) MB")
    }

    /// Runs `executable`, returning its exit status (nil when killed after `timeout` seconds)
    /// and its standard output and error.
    private func run(_ executable: URL, _ arguments: [String], timeout: Double) throws -> (Int32?, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // Output goes to a file, so that a chatty child never blocks on a full pipe.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return (nil, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
        process.waitUntilExit()
        let text = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        return (process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus, text)
    }
}

extension HostileCase: CustomTestStringConvertible {
    public var testDescription: String { description }
}
