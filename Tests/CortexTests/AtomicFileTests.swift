import Foundation
import Testing

@testable import Cortex

@Suite struct AtomicFileTests {
    /// The SaveStress helper, built next to this test binary.
    var helper: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("SaveStress")
    }

    @Test func killDuringSaveLeavesACompleteFile() throws {
        guard FileManager.default.isExecutableFile(atPath: helper.path) else {
            Issue.record("SaveStress helper not found at \(helper.path)")
            return
        }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let reader = Sequential(seed: 2) { Dense(units: 1024) }
        try reader.build(inputShape: [2048])
        var rng = RandomGenerator(seed: 3)
        var versionsSeen = Set<Float>()
        // Kill at random moments; go on past eight rounds only until some save has completed.
        for round in 0..<24 where round < 8 || versionsSeen.isEmpty {
            let process = Process()
            process.executableURL = helper
            process.arguments = [url.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            _ = pipe.fileHandleForReading.availableData  // "ready"
            usleep(UInt32(50_000 + rng.nextInt(below: 700_000) + 100_000 * Swift.max(0, round - 7)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            // Whatever moment the kill hit, the file is one complete version.
            try reader.loadWeights(from: url)
            let values = Set(reader.parameters.flatMap(\.value.scalars))
            #expect(values.count == 1, "mixed versions \(values.sorted().prefix(4))")
            versionsSeen.formUnion(values)
        }
        #expect(!versionsSeen.isEmpty)
    }
}
