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
        // Issue 19, item 8: the kills left partial temporaries; the next save removes them.
        let leftovers = try temporaries(in: folder)
        #expect(leftovers.allSatisfy { $0.hasPrefix(".model.safetensors.cortex-tmp-") }, "\(leftovers)")
        try reader.save(to: url)
        #expect(try temporaries(in: folder).isEmpty)
    }

    func temporaries(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
    }

    /// Issue 19, item 8: a save keeps the destination's permissions, writes through a symbolic
    /// link to its target, and leaves no temporary file behind.
    @Test func permissionsAndLinksAreKept() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try smallDense()
        let url = folder.appendingPathComponent("w.safetensors")
        try model.save(to: url)
        for mode in [0o600, 0o640, 0o444] {
            #expect(chmod(url.path, mode_t(mode)) == 0)
            try model.save(to: url)
            #expect(try permissions(url) == mode)
        }
        // A new file gets 0666 less the umask, as any newly created file.
        let mask = umask(0o022)
        umask(mask)
        let fresh = folder.appendingPathComponent("fresh.npy")
        try NumPy.save(Tensor([1]), to: fresh)
        #expect(try permissions(fresh) == 0o666 & ~Int(mask))

        let targetFolder = folder.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: targetFolder, withIntermediateDirectories: true)
        let target = targetFolder.appendingPathComponent("weights.safetensors")
        try model.save(to: target)
        #expect(chmod(target.path, 0o600) == 0)
        let link = folder.appendingPathComponent("link.safetensors")
        let chain = folder.appendingPathComponent("chain.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real/weights.safetensors")
        try FileManager.default.createSymbolicLink(atPath: chain.path, withDestinationPath: link.path)
        let changed = try smallDense(seed: 9)
        try changed.save(to: chain)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: chain.path) == link.path)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real/weights.safetensors")
        #expect(try permissions(target) == 0o600)
        try model.loadWeights(from: target)
        #expect(model.parameters.map(\.value.scalars) == changed.parameters.map(\.value.scalars))
        // A dangling link gets its target created.
        let dangling = folder.appendingPathComponent("dangling.npy")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: "real/new.npy")
        try NumPy.save(Tensor([2]), to: dangling)
        #expect(try NumPy.load(targetFolder.appendingPathComponent("new.npy")).scalars == [2])
        #expect(try temporaries(in: folder).isEmpty && temporaries(in: targetFolder).isEmpty)
    }

    /// A destination that is a directory or a FIFO is refused and left alone.
    @Test func specialDestinationsAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect { try NumPy.save(Tensor([1]), to: fifo) } throws: {
            ($0 as? CortexError)?.description.contains("exists and is not a regular file (a FIFO)") ?? false
        }
        #expect { try NumPy.save(Tensor([1]), to: folder) } throws: {
            ($0 as? CortexError)?.description.contains("(a directory)") ?? false
        }
        #expect(try temporaries(in: folder).isEmpty)
    }

    /// Temporaries of processes that still run, or of other names, are left alone; those of
    /// ended processes are removed; long names get a shortened, hashed temporary name.
    @Test func onlyStaleTemporariesOfTheSamePathAreRemoved() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = "w.npy"
        let prefix = AtomicFile.temporaryPrefix(for: name) + AtomicFile.hostTag + "-"
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = prefix + "\(ended.processIdentifier)-1a2b"
        let live = prefix + "\(getppid())-3c4d"
        let otherName =
            AtomicFile.temporaryPrefix(for: "other.npy") + AtomicFile.hostTag + "-\(ended.processIdentifier)-5e6f"
        let otherHost = AtomicFile.temporaryPrefix(for: name) + "0-\(ended.processIdentifier)-7a8b"
        for file in [stale, live, otherName, otherHost] {
            try Data([1, 2, 3]).write(to: folder.appendingPathComponent(file))
        }
        try NumPy.save(Tensor([1]), to: folder.appendingPathComponent(name))
        #expect(try Set(temporaries(in: folder)) == [live, otherName, otherHost])
        let long = String(repeating: "é", count: 120) + ".npy"
        #expect(AtomicFile.temporaryPrefix(for: long).utf8.count < 120)
        try NumPy.save(Tensor([1]), to: folder.appendingPathComponent(long))
        #expect(try NumPy.load(folder.appendingPathComponent(long)).scalars == [1])
    }

    private func permissions(_ url: URL) throws -> Int {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw CocoaError(.fileReadUnknown) }
        return Int(info.st_mode & 0o7777)
    }
}
