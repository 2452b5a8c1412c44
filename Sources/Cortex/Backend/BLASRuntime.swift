import COpenBLAS
import Foundation

/// The one place where Cortex sets up OpenBLAS for the process, before its first BLAS call:
/// kernel selection (`BLASCoreSelection`), single-threaded OpenBLAS under Cortex's own work
/// splitting, and malloc settings that keep a training step's buffers in the process.
///
/// Kernel selection: when OpenBLAS fell back to kernels weaker than the CPU supports (Debian's
/// 0.3.21 picks SSE3 `Prescott` kernels on Intel's Emerald Rapids), Cortex re-runs OpenBLAS's
/// own dynamic initialization with `OPENBLAS_CORETYPE` set to each candidate core, checks a
/// small `sgemm` against a plain reference, and keeps the first core that is better and
/// correct, else goes back to the original one. The entry points `gotoblas_dynamic_quit` and
/// `gotoblas_dynamic_init` exist only in a DYNAMIC_ARCH OpenBLAS and are looked up at run time,
/// so any other OpenBLAS build runs unchanged. A core the user chose with `OPENBLAS_CORETYPE`
/// is never overridden, and `CORTEX_BLAS_CORE=keep` turns the selection off.
enum BLASRuntime {
    /// The environment variable that turns Cortex's kernel selection off (`keep`).
    static let optOutVariable = "CORTEX_BLAS_CORE"

    /// The state after configuration; the first read configures the process.
    static let info: BLASInfo = configure()

    /// Configures the process for BLAS if that has not happened yet. Every path into BLAS or
    /// LAPACK passes here (or through `Cortex.threadCount`, which calls it).
    @inline(__always)
    static func prepare() { _ = info }

    private static func configure() -> BLASInfo {
        let cpu = CPUFeatures.current
        let original = coreName()
        let environment = ProcessInfo.processInfo.environment
        let selection: BLASInfo.Selection
        if let chosen = environment["OPENBLAS_CORETYPE"], !chosen.isEmpty {
            selection = .userChoice(chosen)
        } else if environment[optOutVariable]?.lowercased() == "keep" {
            selection = .optedOut
        } else {
            switch BLASCoreSelection.decide(currentCore: original, cpu: cpu) {
            case .keep: selection = .openBLAS
            case .select(let candidates): selection = reselect(from: original, trying: candidates)
            }
        }
        openblas_set_num_threads(1)
        // Freed buffers stay in the process, so that the next training step reuses them
        // instead of faulting fresh pages in (docs/performance.md).
        mallopt(M_MMAP_THRESHOLD, 1 << 30)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)
        return BLASInfo(
            configuration: String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces),
            core: coreName(), selection: selection, cpu: cpu)
    }

    /// OpenBLAS's name for its current kernels.
    static func coreName() -> String { String(cString: openblas_get_corename()) }

    private typealias Entry = @convention(c) () -> Void

    /// Tries `candidates` in order; see the type's documentation.
    private static func reselect(from original: String, trying candidates: [String]) -> BLASInfo.Selection {
        guard let quitSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_quit"),
            let initSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gotoblas_dynamic_init")
        else { return .notDynamic(original) }
        let quit = unsafeBitCast(quitSymbol, to: Entry.self)
        let initialize = unsafeBitCast(initSymbol, to: Entry.self)
        let originalClass = BLASCoreSelection.vectorClass(ofCore: original)
        var rejected: [String] = []
        for candidate in candidates {
            // OpenBLAS reads the variable only inside its initialization; restore it at once so
            // that child processes do not inherit a choice the user did not make.
            setenv("OPENBLAS_CORETYPE", candidate, 1)
            quit()
            initialize()
            unsetenv("OPENBLAS_CORETYPE")
            let now = coreName()
            if let nowClass = BLASCoreSelection.vectorClass(ofCore: now), let originalClass, nowClass > originalClass,
                sgemmMatchesReference()
            {
                return .switched(from: original)
            }
            rejected.append(
                now.caseInsensitiveCompare(candidate) == .orderedSame ? candidate : "\(candidate) -> \(now)")
        }
        // Nothing better worked: OpenBLAS's own selection again (the variable is unset).
        quit()
        initialize()
        return .switchFailed(tried: rejected)
    }

    /// Whether a small single-precision product with both transposes equals a Double reference.
    static func sgemmMatchesReference() -> Bool {
        let (m, n, k) = (37, 29, 53)
        let a = (0..<(m * k)).map { Float(($0 * 7919) % 101) / 50 - 1 }
        let b = (0..<(k * n)).map { Float(($0 * 104_729) % 97) / 48 - 1 }
        for (transposeA, transposeB) in [(false, false), (true, true)] {
            var c = [Float](repeating: 0, count: m * n)
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), 0, &c,
                Int32(n))
            for i in 0..<m {
                for j in 0..<n {
                    var exact = 0.0, magnitude = 0.0
                    for p in 0..<k {
                        let x = Double(transposeA ? a[p * m + i] : a[i * k + p])
                        let y = Double(transposeB ? b[j * k + p] : b[p * n + j])
                        exact += x * y
                        magnitude += Swift.abs(x * y)
                    }
                    if Swift.abs(Double(c[i * n + j]) - exact) > 1e-5 * Swift.max(magnitude, 1) { return false }
                }
            }
        }
        return true
    }
}
