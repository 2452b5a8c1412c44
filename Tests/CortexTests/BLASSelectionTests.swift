import Foundation
import Testing

@testable import Cortex

@Suite struct BLASSelectionTests {
    static let emeraldRapids = CPUFeatures(
        vendor: "GenuineIntel", family: 6, model: 207, avx: true, avx2: true, fma: true, avx512: true,
        avx512BF16: true)
    static let skylakeX = CPUFeatures(
        vendor: "GenuineIntel", family: 6, model: 85, avx: true, avx2: true, fma: true, avx512: true)
    static let zen3 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 1, avx: true, avx2: true, fma: true)
    static let zen4 = CPUFeatures(
        vendor: "AuthenticAMD", family: 25, model: 17, avx: true, avx2: true, fma: true, avx512: true,
        avx512BF16: true)
    static let haswell = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 60, avx: true, avx2: true, fma: true)
    static let sandyBridge = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 42, avx: true)
    static let oldXeon = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 26)

    typealias Decision = BLASCoreSelection.Decision

    /// (core OpenBLAS chose, CPU, expected decision)
    static let cases: [(String, CPUFeatures, Decision)] = [
        // The defect: an unknown Intel model falls back to SSE3 kernels.
        ("Prescott", emeraldRapids, .select(["Cooperlake", "SkylakeX", "Haswell", "Sandybridge"])),
        ("Nehalem", skylakeX, .select(["SkylakeX", "Haswell", "Sandybridge"])),
        ("Core2", zen4, .select(["Cooperlake", "SkylakeX", "Zen", "Haswell", "Sandybridge"])),
        ("Barcelona", zen3, .select(["Zen", "Haswell", "Sandybridge"])),
        ("Prescott", haswell, .select(["Haswell", "Sandybridge"])),
        ("Sandybridge", haswell, .select(["Haswell"])),
        ("Haswell", skylakeX, .select(["SkylakeX"])),
        ("Zen", zen4, .select(["Cooperlake", "SkylakeX"])),
        ("prescott", sandyBridge, .select(["Sandybridge"])),
        // Good choices stay.
        ("Cooperlake", zen4, .keep),
        ("Cooperlake", emeraldRapids, .keep),
        ("SkylakeX", emeraldRapids, .keep),
        ("SapphireRapids", emeraldRapids, .keep),
        ("Zen", zen3, .keep),
        ("Haswell", haswell, .keep),
        ("Sandybridge", sandyBridge, .keep),
        ("Nehalem", oldXeon, .keep),
        // Cores Cortex does not know (a newer OpenBLAS, another architecture) are left alone.
        ("Zen5", zen4, .keep),
        ("NEOVERSEN1", zen4, .keep),
    ]

    @Test(arguments: 0..<cases.count)
    func decisionTable(_ index: Int) {
        let (core, cpu, expected) = Self.cases[index]
        #expect(
            BLASCoreSelection.decide(currentCore: core, cpu: cpu) == expected, "\(core) on \(cpu.vendor) \(cpu.model)")
    }

    @Test func thisMachineRunsTheBestClassItSupports() {
        let info = Cortex.blasInfo
        let cpu = CPUFeatures.current
        #expect(!info.configuration.isEmpty)
        #expect(String(describing: info).contains(info.core))
        // Unless the user forced a core or opted out, Cortex's kernels match the CPU.
        if case .userChoice = info.selection { return }
        if case .optedOut = info.selection { return }
        let running = BLASCoreSelection.vectorClass(ofCore: info.core)
        #expect(running == nil || running == BLASCoreSelection.bestClass(for: cpu), "\(info)")
    }

    @Test func sgemmReferenceCheckPassesOnTheCurrentCore() {
        #expect(BLASRuntime.sgemmMatchesReference())
    }

    // MARK: - End to end, in child processes

    struct ProbeRun {
        let core: String
        let selection: String
        let values: [Float]
    }

    func runProbe(environment extra: [String: String], arguments: [String] = []) throws -> ProbeRun? {
        let probe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("BLASCoreProbe")
        guard FileManager.default.isExecutableFile(atPath: probe.path) else {
            Issue.record("BLASCoreProbe not found at \(probe.path)")
            return nil
        }
        let process = Process()
        process.executableURL = probe
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment[BLASRuntime.optOutVariable] = nil
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "probe failed: \(output)")
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(colon, offsetBy: 2)...])
        }
        return ProbeRun(
            core: fields["core"] ?? "", selection: fields["selection"] ?? "",
            values: (fields["values"] ?? "").split(separator: " ").compactMap { Float(String($0)) })
    }

    /// OpenBLAS starts on SSE3 kernels without a choice of the user's in sight: Cortex moves to
    /// the best core the CPU supports, and the workload gives the same results as a process in
    /// which OpenBLAS chose well by itself.
    @Test func fallbackCoreIsReplacedWithEqualResults() throws {
        let cpu = CPUFeatures.current
        guard BLASCoreSelection.bestClass(for: cpu) > .sse else { return }  // nothing better exists
        guard
            let fallback = try runProbe(
                environment: ["OPENBLAS_CORETYPE": "Prescott"], arguments: ["--forget-coretype"]),
            let reference = try runProbe(environment: [:])
        else { return }
        #expect(fallback.selection == "switched(from: \"Prescott\")", "\(fallback.selection)")
        #expect(BLASCoreSelection.vectorClass(ofCore: fallback.core) == BLASCoreSelection.bestClass(for: cpu))
        #expect(fallback.values.count == reference.values.count && !fallback.values.isEmpty)
        for (x, y) in zip(fallback.values, reference.values) {
            #expect(Swift.abs(x - y) <= 1e-4 * Swift.max(1, Swift.abs(y)), "\(x) vs \(y)")
        }
    }

    @Test func userChoiceAndOptOutAreHonoured() throws {
        guard let forced = try runProbe(environment: ["OPENBLAS_CORETYPE": "Prescott"]) else { return }
        #expect(forced.core == "Prescott")
        #expect(forced.selection == "userChoice(\"Prescott\")")
        guard
            let optedOut = try runProbe(
                environment: ["OPENBLAS_CORETYPE": "Prescott", BLASRuntime.optOutVariable: "keep"],
                arguments: ["--forget-coretype"])
        else { return }
        #expect(optedOut.core == "Prescott")
        #expect(optedOut.selection == "optedOut")
    }
}
