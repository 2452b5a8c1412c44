import Foundation

/// Settings for differentially private training (DP-SGD): clip each example's gradient to L2
/// norm ``l2NormClip``, add Gaussian noise of standard deviation
/// ``noiseMultiplier`` · ``l2NormClip`` to the sum, and account for the privacy spent.
///
/// ```swift
/// let dp = DifferentialPrivacy(noiseMultiplier: 1.0, l2NormClip: 1.0, delta: 1e-5)   // Poisson sampling
/// try dp.epsilon(epochs: 10, batchSize: 64, datasetSize: 4000)                        // 2.77 (RDP, 630 steps)
/// let sigma = try DifferentialPrivacy.noiseMultiplier(
///     targetEpsilon: 3, delta: 1e-5, sampleRate: 64.0 / 4000, steps: 625)              // 0.964
/// ```
///
/// The guarantee is example-level (ε, δ)-DP under add-or-remove-one adjacency, and covers every
/// intermediate model, not only the final one. The initializer stores its arguments as given;
/// ``validate()`` and ``validate(batchSize:datasetSize:)`` check them and throw a `CortexError`
/// naming what is wrong.
public struct DifferentialPrivacy: Sendable, Hashable, Codable {
    /// How batches are drawn, and what the accountant may therefore assume.
    public enum Sampling: String, Sendable, Hashable, Codable {
        /// Each step's batch contains every example independently with probability
        /// q = batchSize / datasetSize (so batches vary in size and can be empty). This is what
        /// the accountants' subsampled-Gaussian analysis assumes, and it gives privacy
        /// amplification: ε grows roughly with q·√steps. The default.
        case poisson
        /// The data is shuffled every epoch and cut into batches of exactly `batchSize`, so
        /// each example enters at most one step per epoch. No amplification is claimed for
        /// shuffling (the known bounds are loose, and accounting shuffled training as if it
        /// were Poisson-sampled can understate ε; Chua et al., "How Private are DP-SGD
        /// Implementations?", 2024): each epoch is accounted as one Gaussian mechanism on the
        /// full data (sampling rate 1), the bound TensorFlow Privacy's
        /// `compute_dp_sgd_privacy_statement` reports as "each example occurring once per
        /// epoch". Expect a much larger ε than with Poisson sampling.
        case shuffled
    }

    /// Which accountant converts the steps into ε.
    public enum Accountant: String, Sendable, Hashable, Codable {
        /// ``RDPAccountant`` with Opacus' orders and conversion: fast, the number most papers
        /// report, a looser upper bound. The default.
        case rdp
        /// ``PLDAccountant`` (privacy loss distributions, grid 1e-4): a tighter upper bound
        /// (typically 5-15% lower ε than RDP for DP-SGD), tens of milliseconds per evaluation.
        case pld

        /// A new accountant of this kind with nothing recorded.
        public func make() -> any PrivacyAccountant {
            switch self {
            case .rdp: return RDPAccountant()
            case .pld: return PLDAccountant()
            }
        }
    }

    /// Where the noise comes from.
    public enum NoiseSource: Sendable, Hashable, Codable {
        /// A stream forked from the model's seeded generator (one word of it seeds the noise
        /// generator): reproducible from the model's seed. The default, for research runs.
        case modelGenerator
        /// A dedicated ``RandomGenerator`` with this seed: reproducible, independent of the model's seed.
        case seed(UInt64)
        /// The operating system's CSPRNG (``SecureGaussianNoise``): not reproducible, slower,
        /// and the choice for models trained on real personal data, because anyone who knows a
        /// seed can recompute and subtract seeded noise.
        case secure
    }

    /// σ: the noise standard deviation divided by the clipping norm; > 0.
    public var noiseMultiplier: Double
    /// C: the L2 norm each example's gradient is clipped to; > 0.
    public var l2NormClip: Double
    /// δ: the probability mass the guarantee may fail on; in (0, 1/datasetSize).
    public var delta: Double
    /// How batches are drawn (``Sampling/poisson`` by default).
    public var sampling: Sampling
    /// Which accountant reports ε (``Accountant/rdp`` by default).
    public var accountant: Accountant
    /// Where the noise comes from (``NoiseSource/modelGenerator`` by default).
    public var noiseSource: NoiseSource

    /// Creates DP-SGD settings (stored as given; see ``validate()``).
    ///
    /// - Parameters:
    ///   - noiseMultiplier: σ > 0, the noise standard deviation in units of `l2NormClip`.
    ///   - l2NormClip: C > 0, the per-example gradient norm bound.
    ///   - delta: δ in (0, 1); below 1/datasetSize for a meaningful guarantee (1e-5 is usual).
    ///   - sampling: How batches are drawn; Poisson by default.
    ///   - accountant: RDP (default) or PLD.
    ///   - noiseSource: The model's generator (default), a seed, or the OS CSPRNG.
    public init(
        noiseMultiplier: Double, l2NormClip: Double, delta: Double, sampling: Sampling = .poisson,
        accountant: Accountant = .rdp, noiseSource: NoiseSource = .modelGenerator
    ) {
        self.noiseMultiplier = noiseMultiplier
        self.l2NormClip = l2NormClip
        self.delta = delta
        self.sampling = sampling
        self.accountant = accountant
        self.noiseSource = noiseSource
    }

    /// The standard deviation of the noise added to the sum of clipped gradients, σ·C.
    public var noiseStandardDeviation: Double { noiseMultiplier * l2NormClip }

    /// Checks the settings on their own.
    ///
    /// - Throws: `CortexError.invalidArgument` naming the setting, its valid range and its value.
    public func validate() throws {
        if !(noiseMultiplier > 0 && noiseMultiplier.isFinite) {
            throw CortexError(
                .invalidArgument,
                "DifferentialPrivacy.noiseMultiplier must be a finite number > 0, got \(noiseMultiplier)"
                    + (noiseMultiplier == 0
                        ? " (without noise there is no privacy: train without privacy instead)" : ""))
        }
        if !(l2NormClip > 0 && l2NormClip.isFinite) {
            throw CortexError(
                .invalidArgument, "DifferentialPrivacy.l2NormClip must be a finite number > 0, got \(l2NormClip)")
        }
        if !(delta > 0 && delta < 1) {
            throw CortexError(.invalidArgument, "DifferentialPrivacy.delta must be in (0, 1), got \(delta)")
        }
    }

    /// Checks the settings against the training data: batch size, data set size and δ < 1/n.
    ///
    /// - Parameters:
    ///   - batchSize: The batch size (Poisson: the expected batch size).
    ///   - datasetSize: The number of training examples n.
    /// - Throws: `CortexError.invalidArgument` naming what is wrong.
    public func validate(batchSize: Int, datasetSize: Int) throws {
        try validate()
        if datasetSize < 1 {
            throw CortexError(
                .invalidArgument, "DifferentialPrivacy needs at least one training example, got \(datasetSize)")
        }
        if !(1...datasetSize).contains(batchSize) {
            throw CortexError(
                .invalidArgument,
                "DifferentialPrivacy: batchSize must be in 1...\(datasetSize) (the number of training examples), got \(batchSize)"
            )
        }
        if delta >= 1 / Double(datasetSize) {
            throw CortexError(
                .invalidArgument,
                "DifferentialPrivacy.delta \(delta) must be below 1/n = \(1 / Double(datasetSize)) for n = \(datasetSize) "
                    + "examples: a larger δ allows a mechanism that publishes a random example outright (1e-5 or 1/n^1.1 are usual)"
            )
        }
    }

    /// The probability that a step includes a given example: batchSize / datasetSize with
    /// Poisson sampling, 1 for shuffled batches (accounted without amplification).
    ///
    /// - Parameters:
    ///   - batchSize: The (expected) batch size.
    ///   - datasetSize: The number of training examples.
    /// - Throws: `CortexError.invalidArgument` if the settings or sizes are invalid.
    public func sampleRate(batchSize: Int, datasetSize: Int) throws -> Double {
        try validate(batchSize: batchSize, datasetSize: datasetSize)
        return sampling == .poisson ? Double(batchSize) / Double(datasetSize) : 1
    }

    /// The number of steps in one epoch: ⌈datasetSize / batchSize⌉ (with Poisson sampling, the
    /// number of sampled batches that make up an epoch; with shuffling, the last batch may be short).
    ///
    /// - Parameters:
    ///   - batchSize: The (expected) batch size, >= 1.
    ///   - datasetSize: The number of training examples, >= 1.
    public static func stepsPerEpoch(batchSize: Int, datasetSize: Int) -> Int {
        (datasetSize + batchSize - 1) / batchSize
    }

    /// Records one epoch of `steps` training steps in `accountant`, as ``sampling`` dictates:
    /// Poisson, `steps` steps at rate batchSize / datasetSize; shuffled, one full-data Gaussian
    /// mechanism (each example entered at most one of the steps).
    ///
    /// - Parameters:
    ///   - steps: The steps the epoch ran (Poisson batches may be empty; they count).
    ///   - batchSize: The (expected) batch size.
    ///   - datasetSize: The number of training examples.
    ///   - accountant: The accountant to record into.
    /// - Throws: `CortexError.invalidArgument` if the settings or sizes are invalid.
    public func recordEpoch<A: PrivacyAccountant>(
        steps: Int, batchSize: Int, datasetSize: Int, in accountant: inout A
    ) throws {
        let rate = try sampleRate(batchSize: batchSize, datasetSize: datasetSize)
        if steps < 0 {
            throw CortexError(.invalidArgument, "DifferentialPrivacy.recordEpoch: steps must be >= 0, got \(steps)")
        }
        if steps == 0 { return }
        switch sampling {
        case .poisson: accountant.record(noiseMultiplier: noiseMultiplier, sampleRate: rate, steps: steps)
        case .shuffled: accountant.record(noiseMultiplier: noiseMultiplier, sampleRate: 1, steps: 1)
        }
    }

    /// The ε after `epochs` epochs of ``stepsPerEpoch(batchSize:datasetSize:)`` steps, with this
    /// setting's sampling and accountant, at ``delta``.
    ///
    /// - Parameters:
    ///   - epochs: The number of epochs, >= 0.
    ///   - batchSize: The (expected) batch size.
    ///   - datasetSize: The number of training examples.
    /// - Throws: `CortexError.invalidArgument` if the settings or sizes are invalid.
    public func epsilon(epochs: Int, batchSize: Int, datasetSize: Int) throws -> Double {
        if epochs < 0 {
            throw CortexError(.invalidArgument, "DifferentialPrivacy.epsilon: epochs must be >= 0, got \(epochs)")
        }
        try validate(batchSize: batchSize, datasetSize: datasetSize)
        var accountant = self.accountant.make()
        let steps = Self.stepsPerEpoch(batchSize: batchSize, datasetSize: datasetSize)
        for _ in 0..<epochs {
            try recordEpoch(steps: steps, batchSize: batchSize, datasetSize: datasetSize, in: &accountant)
        }
        return accountant.epsilon(delta: delta)
    }

    /// The noise source these settings ask for.
    ///
    /// - Parameter modelGenerator: The model's generator; with ``NoiseSource/modelGenerator`` one
    ///   word of it seeds the noise stream (so it advances by one word), otherwise it is untouched.
    /// - Throws: `CortexError.invalidArgument` if secure noise is asked for and getrandom(2) fails.
    public func makeNoiseSource(modelGenerator: inout RandomGenerator) throws -> any GaussianNoiseSource {
        switch noiseSource {
        case .modelGenerator: return SeededGaussianNoise(seed: modelGenerator.next())
        case .seed(let seed): return SeededGaussianNoise(seed: seed)
        case .secure: return try SecureGaussianNoise()
        }
    }
}
