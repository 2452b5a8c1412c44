import CCortexShims
import Foundation

/// A source of Gaussian noise for differentially private training.
public protocol GaussianNoiseSource: Sendable {
    /// Overwrites `buffer` with independent samples of N(0, `standardDeviation`²).
    ///
    /// - Parameters:
    ///   - buffer: The values to overwrite (no allocation per element).
    ///   - standardDeviation: The samples' standard deviation, finite and >= 0.
    mutating func fill(_ buffer: UnsafeMutableBufferPointer<Float>, standardDeviation: Float)
}

extension GaussianNoiseSource {
    /// Overwrites `values` with independent samples of N(0, `standardDeviation`²).
    ///
    /// - Parameters:
    ///   - values: The array to overwrite.
    ///   - standardDeviation: The samples' standard deviation, finite and >= 0.
    public mutating func fill(_ values: inout [Float], standardDeviation: Float) {
        values.withUnsafeMutableBufferPointer { fill($0, standardDeviation: standardDeviation) }
    }
}

/// Reproducible Gaussian noise from Cortex's seeded ``RandomGenerator`` (xoshiro256**, ziggurat
/// sampling in Double).
///
/// For research runs that must be repeatable bit for bit. Anyone who learns the seed (or the
/// generator's state) can recompute and subtract the noise, which removes the privacy guarantee
/// entirely: models trained on real personal data should use ``SecureGaussianNoise``.
public struct SeededGaussianNoise: GaussianNoiseSource, Equatable {
    /// The generator; its state after `fill` continues the stream.
    public var generator: RandomGenerator

    /// Noise drawn from `generator` (taken by value: the copy continues independently).
    ///
    /// - Parameter generator: The generator to draw from.
    public init(generator: RandomGenerator) { self.generator = generator }

    /// Noise from a generator seeded with `seed`.
    ///
    /// - Parameter seed: The seed; equal seeds give equal noise.
    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    /// Overwrites `buffer` with N(0, `standardDeviation`²) samples, about 5-7 ns each.
    ///
    /// - Parameters:
    ///   - buffer: The values to overwrite.
    ///   - standardDeviation: The samples' standard deviation, finite and >= 0.
    public mutating func fill(_ buffer: UnsafeMutableBufferPointer<Float>, standardDeviation: Float) {
        generator.fillNormal(buffer, standardDeviation: standardDeviation)
    }
}

/// Gaussian noise drawn from the operating system's cryptographically secure generator
/// (`getrandom(2)` on Linux), for private training on real data.
///
/// Every random bit comes from the kernel's CSPRNG, so the noise cannot be predicted or
/// recomputed from anything an attacker might learn (a seed, a checkpoint, the code), as it can
/// with ``SeededGaussianNoise``. Each value is the sum of four independent standard normals
/// (ziggurat, in Double) times `standardDeviation / 2`, which has exactly the requested
/// distribution and, following Holohan and Braghin ("Secure Random Sampling in Differential
/// Privacy", 2021) and Opacus' `secure_mode`, makes the floating-point attacks on a single
/// sample's rounding pattern (Jin et al., "Are We There Yet? Timing and Floating-Point Attacks on
/// Differential Privacy Systems", 2022) far harder. It is not a formal defense against them: that
/// would need a discrete Gaussian over a fixed grid, which Cortex does not implement.
///
/// The price: runs are not reproducible, and each value costs four normals and 32 bytes of
/// kernel randomness: about 125 ns per value measured here, against 5-7 ns for
/// ``SeededGaussianNoise`` (0.1 s more per step for a million parameters).
public struct SecureGaussianNoise: GaussianNoiseSource {
    /// Checks that the kernel's generator answers; throws a `CortexError` if it does not
    /// (a kernel without `getrandom`, Linux before 3.17, or a sandbox that forbids it).
    public init() throws {
        var probe: UInt64 = 0
        let result = withUnsafeMutableBytes(of: &probe) { SecureGaussianNoise.readEntropy($0) }
        if let errorNumber = result {
            throw CortexError(
                .invalidArgument,
                "SecureGaussianNoise needs getrandom(2), which failed with errno \(errorNumber) (\(String(cString: strerror(errorNumber))))"
            )
        }
    }

    /// Overwrites `buffer` with N(0, `standardDeviation`²) samples from kernel randomness.
    ///
    /// - Parameters:
    ///   - buffer: The values to overwrite.
    ///   - standardDeviation: The samples' standard deviation, finite and >= 0.
    public mutating func fill(_ buffer: UnsafeMutableBufferPointer<Float>, standardDeviation: Float) {
        guard let output = buffer.baseAddress, buffer.count > 0 else { return }
        let scale = Double(standardDeviation) / 2
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 512) { words in
            var source = EntropyWords(buffer: words)
            let ziggurat = Ziggurat.shared
            for i in 0..<buffer.count {
                let sum =
                    ziggurat.sample(using: &source) + ziggurat.sample(using: &source) + ziggurat.sample(using: &source)
                    + ziggurat.sample(using: &source)
                output[i] = Float(scale * sum)
            }
            // Leave no noise-determining bits behind on the stack.
            words.initialize(repeating: 0)
        }
    }

    /// Fills `bytes` from getrandom(2), retrying after interruptions and short reads; returns
    /// nil on success or the errno of a failure.
    static func readEntropy(_ bytes: UnsafeMutableRawBufferPointer) -> Int32? {
        var filled = 0
        while filled < bytes.count {
            let n = cortex_getrandom(bytes.baseAddress! + filled, UInt(bytes.count - filled))
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            filled += n
        }
        return nil
    }
}

/// Words from getrandom(2), fetched a buffer at a time (one system call per 4 KiB).
struct EntropyWords: RandomNumberGenerator {
    let buffer: UnsafeMutableBufferPointer<UInt64>
    var index: Int

    init(buffer: UnsafeMutableBufferPointer<UInt64>) {
        self.buffer = buffer
        index = buffer.count
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        if index == buffer.count { refill() }
        let word = buffer[index]
        index += 1
        return word
    }

    @inline(never)
    mutating func refill() {
        if let errorNumber = SecureGaussianNoise.readEntropy(UnsafeMutableRawBufferPointer(buffer)) {
            // getrandom only fails for bad arguments or a missing system call, which init() ruled out.
            fatalError("SecureGaussianNoise: getrandom(2) failed with errno \(errorNumber) after working at init")
        }
        index = 0
    }
}
