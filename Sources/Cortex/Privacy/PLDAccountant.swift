import Foundation

/// The privacy-loss-distribution (PLD) accountant for DP-SGD with Poisson sampling: a numerical
/// accountant, tighter than ``RDPAccountant``, after dp-accounting 0.6.0's `PLDAccountant`.
///
/// Each recorded setting's privacy loss distribution is discretized on a grid of spacing
/// ``valueDiscretizationInterval`` (pessimistic "connect the dots"), composed with itself `steps`
/// times in one FFT (the transform raised to the power `steps`), and composed with the other
/// settings by FFT convolution. Removal and addition of an example have different distributions
/// under subsampling; both are tracked and ε is the larger of the two.
///
/// ```swift
/// var pld = PLDAccountant()
/// pld.record(noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250)
/// pld.epsilon(delta: 1e-5)   // 6.7688 (RDP: 7.3291)
/// ```
///
/// The ε returned is an upper bound: the discretization rounds losses up, the noise tails beyond
/// probability `exp(-50)` and the composed tails beyond `1e-15` (Chernoff bound) are treated
/// as infinite loss. A finer interval gives a smaller bound, in time and memory roughly
/// proportional to `1 / interval`. Matches dp-accounting's `PLDAccountant` to better than 1e-6
/// relative (same construction, own FFT); about 0.15% below Opacus' PRV accountant, which
/// estimates ε to within an error band rather than bounding it.
///
/// `record` only appends to the history; `epsilon(delta:)` builds the composition each time it
/// is called (about 60 ms of CPU time in a release build for the 2250-step example above, 6 ms
/// with a 1e-3 grid), so ask for ε per epoch, not per step.
public struct PLDAccountant: PrivacyAccountant, Equatable {
    /// The spacing of the privacy-loss grid (dp-accounting's `value_discretization_interval`).
    public let valueDiscretizationInterval: Double
    /// The recorded steps, consecutive equal settings merged.
    public private(set) var history: [PrivacyRecord] = []

    /// Creates an accountant with no steps recorded.
    ///
    /// - Parameter valueDiscretizationInterval: The privacy-loss grid spacing, finite and > 0.
    ///   The default 1e-4 (dp-accounting's) gives ε within about 1e-5 relative of a ten times
    ///   finer grid on typical DP-SGD settings; 1e-3 is ten times faster and within about 1e-4.
    /// - Precondition: The interval is finite and > 0; a violation stops with a message.
    public init(valueDiscretizationInterval: Double = 1e-4) {
        if !(valueDiscretizationInterval > 0 && valueDiscretizationInterval.isFinite) {
            fatalError(
                "PLDAccountant: valueDiscretizationInterval must be finite and > 0, got \(valueDiscretizationInterval)")
        }
        self.valueDiscretizationInterval = valueDiscretizationInterval
    }

    /// Records `steps` DP-SGD steps at noise multiplier σ and Poisson sampling rate q.
    ///
    /// - Parameters:
    ///   - noiseMultiplier: σ >= 0 (0: no privacy, ε becomes infinite).
    ///   - sampleRate: q in [0, 1] (0: the steps touch no example and cost nothing).
    ///   - steps: >= 0.
    public mutating func record(noiseMultiplier: Double, sampleRate: Double, steps: Int) {
        history.appendValidated(
            noiseMultiplier: noiseMultiplier, sampleRate: sampleRate, steps: steps, accountant: "PLDAccountant")
    }

    /// The smallest ε (an upper bound) for which the recorded steps are (ε, δ)-DP; 0 when
    /// nothing was recorded, +∞ after a step without noise.
    ///
    /// - Parameter delta: δ in (0, 1).
    public func epsilon(delta: Double) -> Double {
        validateDelta(delta, accountant: "PLDAccountant")
        switch composition() {
        case .nothing: return 0
        case .nonPrivate: return .infinity
        case .distributions(let remove, let add):
            let epsilonRemove = remove.epsilon(delta: delta)
            return Swift.max(epsilonRemove, add?.epsilon(delta: delta) ?? epsilonRemove)
        }
    }

    /// What the recorded history composes to.
    enum Composition {
        /// No step touched any example.
        case nothing
        /// A step without noise: no privacy.
        case nonPrivate
        /// The composed removal and addition distributions (addition nil when it equals removal,
        /// as without subsampling).
        case distributions(remove: DiscretePrivacyLoss, add: DiscretePrivacyLoss?)
    }

    /// Composes the history.
    func composition() -> Composition {
        var remove: DiscretePrivacyLoss? = nil, add: DiscretePrivacyLoss? = nil
        var symmetric = true
        for record in history where record.sampleRate > 0 {
            if record.noiseMultiplier == 0 { return .nonPrivate }
            let sigma = record.noiseMultiplier, q = record.sampleRate
            let stepRemove = SubsampledGaussianPLD.distribution(
                sigma: sigma, q: q, adjacency: .remove, interval: valueDiscretizationInterval
            ).selfComposed(record.steps)
            let stepAdd =
                q == 1
                ? stepRemove
                : SubsampledGaussianPLD.distribution(
                    sigma: sigma, q: q, adjacency: .add, interval: valueDiscretizationInterval
                ).selfComposed(record.steps)
            if q < 1 { symmetric = false }
            remove = remove.map { $0.composed(with: stepRemove) } ?? stepRemove
            add = add.map { $0.composed(with: stepAdd) } ?? stepAdd
        }
        guard let remove else { return .nothing }
        return .distributions(remove: remove, add: symmetric ? nil : add)
    }
}
