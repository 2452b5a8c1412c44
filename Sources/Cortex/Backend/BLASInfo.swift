/// What Cortex runs its matrix products on: the BLAS library and its kernels, the threads and
/// the CPU. `print(Cortex.blasInfo)` gives one line to paste into a bug report.
public struct BLASInfo: Sendable, CustomStringConvertible {
    /// How the kernels in use were chosen.
    public enum Selection: Sendable, Equatable {
        /// OpenBLAS's own choice, which matches the CPU.
        case openBLAS
        /// The user's `OPENBLAS_CORETYPE`, which Cortex never overrides.
        case userChoice(String)
        /// `CORTEX_BLAS_CORE=keep`: Cortex did not check OpenBLAS's choice.
        case optedOut
        /// OpenBLAS had fallen back to weaker kernels (`from`); Cortex selected better ones.
        case switched(from: String)
        /// OpenBLAS's choice is weaker than the CPU, but no better core passed the check.
        case switchFailed(tried: [String])
        /// OpenBLAS's choice is weaker than the CPU, and this OpenBLAS cannot re-select
        /// (not built with DYNAMIC_ARCH).
        case notDynamic(String)
    }

    /// OpenBLAS's version and build configuration (`openblas_get_config()`).
    public let configuration: String
    /// The kernels in use (`openblas_get_corename()`): `Cooperlake`, `SkylakeX`, `Haswell`, ...
    public let core: String
    /// How ``core`` was chosen.
    public let selection: Selection
    /// The processor.
    public let cpu: CPUFeatures

    /// One line: library, core and how it was chosen, threads, CPU.
    public var description: String {
        let how: String
        switch selection {
        case .openBLAS: how = "chosen by OpenBLAS"
        case .userChoice(let name): how = "OPENBLAS_CORETYPE=\(name)"
        case .optedOut: how = "\(BLASRuntime.optOutVariable)=keep"
        case .switched(let from): how = "selected by Cortex, OpenBLAS had chosen \(from)"
        case .switchFailed(let tried):
            how = "weaker than the CPU; Cortex tried \(tried.joined(separator: ", ")) without success"
        case .notDynamic(let name): how = "weaker than the CPU (\(name)); this OpenBLAS cannot re-select"
        }
        let name = cpu.brand.isEmpty ? cpu.vendor : cpu.brand
        return
            "\(configuration) | core \(core) (\(how)) | \(Cortex.threadCount) Cortex threads, OpenBLAS single-threaded"
            + " | CPU \(name) (family \(cpu.family), model \(cpu.model)): \(cpu.summary)"
    }
}

extension Cortex {
    /// The BLAS library, its kernels and how they were chosen, the threads and the CPU, as one
    /// line for logs and bug reports. Reading it configures BLAS if nothing has yet.
    public static var blasInfo: BLASInfo { BLASRuntime.info }
}
