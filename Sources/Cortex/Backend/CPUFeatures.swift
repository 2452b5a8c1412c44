import CCortexShims

/// What the processor offers, as CPUID reports it, for choosing BLAS kernels.
///
/// Vector extensions count only when the operating system saves their registers, as OpenBLAS
/// checks before it uses them.
public struct CPUFeatures: Sendable, Equatable {
    /// The vendor string: `GenuineIntel`, `AuthenticAMD`, `HygonGenuine`, ...
    public var vendor: String
    /// The brand string, such as `AMD EPYC 9R14 96-Core Processor`.
    public var brand: String
    /// The display family and model (base plus extended fields).
    public var family: Int, model: Int
    /// 256-bit AVX, AVX2 and fused multiply-add.
    public var avx: Bool, avx2: Bool, fma: Bool
    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels need (F, BW, DQ, VL).
    public var avx512: Bool
    /// AVX-512 BF16 (Cooper Lake and later Intel cores, AMD Zen 4 and later).
    public var avx512BF16: Bool

    /// Creates a feature set (for tests and for describing other machines).
    public init(
        vendor: String, brand: String = "", family: Int = 0, model: Int = 0, avx: Bool = false,
        avx2: Bool = false, fma: Bool = false, avx512: Bool = false, avx512BF16: Bool = false
    ) {
        self.vendor = vendor
        self.brand = brand
        self.family = family
        self.model = model
        self.avx = avx
        self.avx2 = avx2
        self.fma = fma
        self.avx512 = avx512
        self.avx512BF16 = avx512BF16
    }

    /// This machine's processor.
    public static let current: CPUFeatures = {
        var info = cortex_cpu_info()
        cortex_read_cpu_info(&info)
        func string<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return CPUFeatures(
            vendor: string(info.vendor), brand: string(info.brand).trimmingSpaces(), family: Int(info.family),
            model: Int(info.model), avx: info.avx != 0, avx2: info.avx2 != 0, fma: info.fma != 0,
            avx512: info.avx512f != 0 && info.avx512bw != 0 && info.avx512dq != 0 && info.avx512vl != 0,
            avx512BF16: info.avx512bf16 != 0)
    }()

    /// Whether the vendor is AMD (or Hygon, which builds on AMD's cores).
    public var isAMD: Bool { vendor == "AuthenticAMD" || vendor == "HygonGenuine" }

    /// The vector extensions, widest first: `AVX-512 (F/BW/DQ/VL, BF16), AVX2, FMA, AVX`.
    public var summary: String {
        var parts: [String] = []
        if avx512 { parts.append(avx512BF16 ? "AVX-512 (F/BW/DQ/VL, BF16)" : "AVX-512 (F/BW/DQ/VL)") }
        if avx2 { parts.append("AVX2") }
        if fma { parts.append("FMA") }
        if avx { parts.append("AVX") }
        return parts.isEmpty ? "SSE only" : parts.joined(separator: ", ")
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
