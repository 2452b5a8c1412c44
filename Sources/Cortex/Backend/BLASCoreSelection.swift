/// The decision, from the core OpenBLAS chose and what the CPU offers, whether Cortex should
/// re-select OpenBLAS's kernels and which cores to try.
///
/// Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) picks its kernels from the CPU's family and model at
/// load time, and on CPUs newer than itself it can fall back to its SSE3 `Prescott` kernels
/// (4-5x slower GEMM on an AVX-512 Xeon). This type is the pure part of the fix: a table from
/// core names to the widest vector instructions their kernels use, and from CPU features to the
/// best cores. `BLASRuntime` applies the decision. Core names are OpenBLAS's
/// (`openblas_get_corename()`), compared case-insensitively.
enum BLASCoreSelection {
    /// The widest vector instructions a family of OpenBLAS kernels uses, narrowest first.
    enum VectorClass: Int, Comparable, Sendable {
        case sse = 1, avx, avx2, avx512

        static func < (a: VectorClass, b: VectorClass) -> Bool { a.rawValue < b.rawValue }
    }

    /// What to do about the core OpenBLAS chose.
    enum Decision: Equatable, Sendable {
        /// The core is already the best class the CPU supports (or Cortex does not know it).
        case keep
        /// The core is weaker than the CPU: try these cores in order.
        case select([String])
    }

    /// OpenBLAS's x86-64 cores by the vector class of their kernels. Names not listed (a newer
    /// OpenBLAS's cores, other architectures) are left alone.
    static let coreClasses: [String: VectorClass] = {
        var table: [String: VectorClass] = [:]
        for name in [
            "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
            "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat",
        ] { table[name] = .sse }
        for name in ["sandybridge", "bulldozer", "piledriver", "steamroller", "excavator"] { table[name] = .avx }
        for name in ["haswell", "zen", "skylake"] { table[name] = .avx2 }
        for name in ["skylakex", "cooperlake", "sapphirerapids"] { table[name] = .avx512 }
        return table
    }()

    /// The class of a core name, or nil for a core Cortex does not know.
    static func vectorClass(ofCore name: String) -> VectorClass? { coreClasses[name.lowercased()] }

    /// The widest class of kernels `cpu` can run.
    static func bestClass(for cpu: CPUFeatures) -> VectorClass {
        if cpu.avx512 { return .avx512 }
        if cpu.avx2 && cpu.fma { return .avx2 }
        if cpu.avx { return .avx }
        return .sse
    }

    /// The cores to try for `vectorClass` on `cpu`, best first.
    static func cores(for vectorClass: VectorClass, cpu: CPUFeatures) -> [String] {
        switch vectorClass {
        case .avx512: cpu.avx512BF16 ? ["Cooperlake", "SkylakeX"] : ["SkylakeX"]
        case .avx2: cpu.isAMD ? ["Zen", "Haswell"] : ["Haswell"]
        case .avx: ["Sandybridge"]
        case .sse: []
        }
    }

    /// Whether `current` is weaker than what `cpu` supports, and if so the cores to try: those
    /// of the CPU's best class first, then narrower classes that still beat `current`.
    static func decide(currentCore current: String, cpu: CPUFeatures) -> Decision {
        guard let currentClass = vectorClass(ofCore: current) else { return .keep }
        let best = bestClass(for: cpu)
        guard currentClass < best else { return .keep }
        var candidates: [String] = []
        var level = best
        while level > currentClass {
            candidates += cores(for: level, cpu: cpu)
            guard let lower = VectorClass(rawValue: level.rawValue - 1) else { break }
            level = lower
        }
        return candidates.isEmpty ? .keep : .select(candidates)
    }
}
