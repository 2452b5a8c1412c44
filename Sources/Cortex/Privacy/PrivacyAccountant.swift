/// Tracks the privacy spent by a sequence of Poisson-subsampled Gaussian mechanisms (DP-SGD
/// steps) and converts it into an (ε, δ) guarantee under add-or-remove-one adjacency.
///
/// Both accountants keep the history of what was recorded, merging consecutive records with the
/// same noise multiplier and sampling rate, and compute ε from it on demand.
public protocol PrivacyAccountant: Sendable {
    /// Records `steps` steps, each adding Gaussian noise of standard deviation
    /// `noiseMultiplier · C` to a sum of per-example contributions clipped to L2 norm `C`,
    /// over a batch that contains each example independently with probability `sampleRate`.
    ///
    /// - Parameters:
    ///   - noiseMultiplier: σ, the noise standard deviation divided by the clipping norm; >= 0
    ///     (0 means no privacy: ε becomes infinite).
    ///   - sampleRate: q, the Poisson sampling probability, in [0, 1] (1: every example in every step).
    ///   - steps: how many such steps ran; >= 0.
    /// - Precondition: Arguments in range; a violation stops with a message naming the argument.
    mutating func record(noiseMultiplier: Double, sampleRate: Double, steps: Int)

    /// The smallest ε (an upper bound, as the accountant's method allows) for which the recorded
    /// steps satisfy (ε, δ)-differential privacy; 0 when nothing was recorded.
    ///
    /// - Parameter delta: δ in (0, 1).
    /// - Precondition: δ in (0, 1); a violation stops with a message naming the value.
    func epsilon(delta: Double) -> Double

    /// The recorded history, consecutive equal settings merged.
    var history: [PrivacyRecord] { get }
}

extension PrivacyAccountant {
    /// The total number of steps recorded.
    public var steps: Int { history.reduce(0) { $0 + $1.steps } }
}

/// Steps recorded with one noise multiplier and sampling rate.
public struct PrivacyRecord: Sendable, Hashable, Codable {
    /// σ, the noise standard deviation divided by the clipping norm.
    public var noiseMultiplier: Double
    /// q, the Poisson sampling probability of each example in each step.
    public var sampleRate: Double
    /// The number of steps.
    public var steps: Int

    /// Creates a record of `steps` steps at noise multiplier σ and sampling rate q.
    public init(noiseMultiplier: Double, sampleRate: Double, steps: Int) {
        self.noiseMultiplier = noiseMultiplier
        self.sampleRate = sampleRate
        self.steps = steps
    }
}

extension Array where Element == PrivacyRecord {
    /// Appends a record after validating it, merging it into the last one when σ and q repeat.
    mutating func appendValidated(noiseMultiplier: Double, sampleRate: Double, steps: Int, accountant: String) {
        if !(noiseMultiplier >= 0 && noiseMultiplier.isFinite) {
            fatalError("\(accountant).record: noiseMultiplier must be a finite number >= 0, got \(noiseMultiplier)")
        }
        if !(sampleRate >= 0 && sampleRate <= 1) {
            fatalError("\(accountant).record: sampleRate must be in [0, 1], got \(sampleRate)")
        }
        if steps < 0 { fatalError("\(accountant).record: steps must be >= 0, got \(steps)") }
        if steps == 0 { return }
        if let last = self.last, last.noiseMultiplier == noiseMultiplier, last.sampleRate == sampleRate {
            self[count - 1].steps += steps
        } else {
            append(PrivacyRecord(noiseMultiplier: noiseMultiplier, sampleRate: sampleRate, steps: steps))
        }
    }
}

/// Checks δ for `epsilon(delta:)`, stopping with a message when it is out of range.
func validateDelta(_ delta: Double, accountant: String) {
    if !(delta > 0 && delta < 1) { fatalError("\(accountant).epsilon: delta must be in (0, 1), got \(delta)") }
}
