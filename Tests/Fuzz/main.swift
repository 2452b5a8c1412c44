// libFuzzer entry point for Cortex's file readers: `make fuzz`. One reader per run, chosen by
// the environment variable CORTEX_FUZZ_READER: npy, npz, safetensors, checkpoint, idx
// (plain IDX), idx-gz (IDX through gzip) or csv. A crash, hang, sanitizer report or an
// allocation above libFuzzer's -malloc_limit_mb is a finding; so is a refused weights file or
// checkpoint that changed the model. Thrown CortexErrors are the expected outcome.
//
// `CortexFuzz --write-seeds <folder> <reader>` writes the seed inputs (from Tests/HostileFiles).
import Foundation
import HostileFiles

#if CORTEX_FUZZ
    @testable import Cortex

    /// libFuzzer's driver, linked in by -sanitize=fuzzer; SwiftPM owns `main`, so this calls it.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The state one fuzzing process keeps between inputs.
    final class Harness: @unchecked Sendable {
        let reader: String
        let folder: URL
        var model: Sequential?
        /// The model's parameters, found once (reflection is slow under the sanitizers).
        var parameters: [Parameter] = []
        var snapshot: [[UInt64]] = []

        init(reader: String) throws {
            self.reader = reader
            folder = URL(fileURLWithPath: "/dev/shm").appendingPathComponent("cortex-fuzz-\(getpid())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if reader == "safetensors" || reader == "checkpoint" {
                model = try ProbeModel.make(.adam)
                parameters = model!.parameters
                snapshot = state()
            }
        }

        /// Weights, optimizer moments, step count, learning rate and generator state: what a
        /// refused load must not change.
        func state() -> [[UInt64]] {
            guard let model, let optimizer = model.optimizer else { return [] }
            let bits = { (t: Tensor) in t.scalars.map { UInt64($0.bitPattern) } }
            let random = model.randomness.generator.state
            return parameters.map { bits($0.value) }
                + parameters.flatMap { optimizer.state(for: $0)?.map(bits) ?? [] }
                + [[UInt64(optimizer.iterations), UInt64(optimizer.learningRate.bitPattern)]]
                + [[random.0, random.1, random.2, random.3]]
        }

        func write(_ bytes: [UInt8], _ name: String) -> URL {
            let url = folder.appendingPathComponent(name)
            _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
            return url
        }

        func run(_ bytes: [UInt8]) {
            switch reader {
            case "npy": _ = try? NumPy.decode(bytes, source: "fuzz")
            case "npz": _ = try? NumPy.decodeArchive(bytes, source: "fuzz")
            case "idx":
                let url = write(bytes, "images")
                _ = try? MNIST.readIDX(url, expectedRank: 3)
                _ = try? MNIST.readIDX(url, expectedRank: 1)
            case "idx-gz":
                // Gzip streams as given; anything else is compressed first, so that mutations of the
                // IDX content also travel through the gzip path.
                let url = write(bytes.starts(with: [0x1F, 0x8B]) ? bytes : gzip(bytes), "images.gz")
                _ = try? MNIST.readIDX(url, expectedRank: 3)
            case "csv": _ = try? CSV.load(write(bytes, "t.csv"))
            case "safetensors", "checkpoint":
                let url = write(bytes, "model")
                do {
                    if reader == "checkpoint" {
                        try model!.loadCheckpoint(from: url)
                    } else {
                        try model!.loadWeights(from: url)
                    }
                    snapshot = state()
                } catch {
                    if state() != snapshot { fatalError("a refused \(reader) changed the model: \(error)") }
                }
            default: fatalError("CORTEX_FUZZ_READER must be npy, npz, safetensors, checkpoint, idx, idx-gz or csv")
            }
        }
    }

    let arguments = CommandLine.arguments
    if arguments.count == 4 && arguments[1] == "--write-seeds" {
        let folder = URL(fileURLWithPath: arguments[2])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (index, seed) in try HostileCorpus.seeds(for: arguments[3]).enumerated() {
            try Data(seed).write(to: folder.appendingPathComponent(String(format: "seed-%03d", index)))
        }
        exit(0)
    }
    // Limits low enough that -malloc_limit_mb (set by `make fuzz`) turns any allocation the
    // limits should have prevented into a finding.
    Cortex.readLimits = ReadLimits(maximumBytes: 32 << 20, maximumElements: 8 << 20, maximumHeaderBytes: 1 << 20)
    let harness = try Harness(reader: ProcessInfo.processInfo.environment["CORTEX_FUZZ_READER"] ?? "")

    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        harness.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv) { fuzzOne($0, $1) })
#else
    print("CortexFuzz needs libFuzzer: run `make fuzz`, which builds it with -sanitize=fuzzer -D CORTEX_FUZZ.")
    exit(2)
#endif
