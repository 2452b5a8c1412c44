import Foundation

/// The Rényi-DP accountant ("moments accountant") for DP-SGD with Poisson sampling.
///
/// It computes the RDP of the Poisson-subsampled Gaussian mechanism at a fixed set of orders α
/// (Mironov, Talwar and Zhang 2019), adds it up over the recorded steps (RDP composes by
/// addition), and converts to (ε, δ) at the best order. The defaults reproduce Opacus 1.6.0's
/// `RDPAccountant` (same orders, same conversion):
///
/// ```swift
/// var rdp = RDPAccountant()
/// rdp.record(noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250)
/// rdp.epsilon(delta: 1e-5)   // 7.32911117143…, at order 3.9
/// ```
///
/// TensorFlow Privacy's `compute_dp_sgd_privacy` is reproduced by
/// `RDPAccountant(orders: RDPAccountant.tfPrivacyOrders, convention: .dpAccounting)`, and
/// dp-accounting's `RdpAccountant()` by `RDPAccountant(orders: RDPAccountant.dpAccountingOrders,
/// convention: .dpAccounting)`.
///
/// The result is an upper bound on the true ε, usually looser than ``PLDAccountant``'s (RDP's
/// conversion to (ε, δ) is not tight); its advantages are speed and a history that composes
/// exactly.
public struct RDPAccountant: PrivacyAccountant, Equatable {
    /// How RDP values are computed at fractional orders and converted to (ε, δ).
    ///
    /// Both conversions use `ε = RDP(α) + log1p(-1/α) - (log δ + log α) / (α - 1)`, minimized
    /// over the orders (Balle et al., "Hypothesis testing interpretations and Rényi differential
    /// privacy", 2020, Theorem 21; also Canonne, Kamath and Steinke 2020, Proposition 12).
    public enum Convention: String, Sendable, Hashable, Codable {
        /// Opacus 1.6.0: the fractional-order series summed with its signed terms (the exact
        /// value), and the conversion above over every order (orders whose ε is NaN are skipped).
        case opacus
        /// dp-accounting 0.6.0 (and TensorFlow Privacy, which calls it): the fractional-order
        /// series summed with absolute values of its terms (a slightly larger upper bound), the
        /// conversion above only for α > 1.01, ε = 0 where the KL bound δ ≥ √(1 - exp(-RDP))
        /// already holds, and the result clamped at 0. Integer orders give the same RDP in both.
        case dpAccounting
    }

    /// Opacus' default orders: 1.1, 1.2, …, 10.9 and 12, 13, …, 63.
    public static let opacusOrders: [Double] = tenths + (12..<64).map { Double($0) }

    /// dp-accounting's default orders: 1.1, 1.2, …, 10.9, 11, 12, …, 63, 128, 256, 512 and 1024.
    public static let dpAccountingOrders: [Double] = tenths + (11..<64).map { Double($0) } + [128, 256, 512, 1024]

    /// The orders of TensorFlow Privacy's `compute_dp_sgd_privacy`: 1.25, 1.5, 1.75, 2, 2.25,
    /// 2.5, 3, 3.5, 4, 4.5, 5, 6, …, 63, 128, 256 and 512.
    public static let tfPrivacyOrders: [Double] =
        [1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5] + (5..<64).map { Double($0) } + [128, 256, 512]

    /// 1.1, 1.2, …, 10.9, computed as `1 + k / 10` in Double exactly as the Python libraries do.
    private static let tenths: [Double] = (1..<100).map { (k: Int) -> Double in 1 + Double(k) / 10 }

    /// The RDP orders α searched for the best conversion, each > 1.
    public let orders: [Double]
    /// How fractional orders and the conversion are computed.
    public let convention: Convention
    /// The recorded steps, consecutive equal settings merged.
    public private(set) var history: [PrivacyRecord] = []
    /// Per-step RDP at every order, for each distinct (σ, q) recorded so far.
    private var perStepRDP: [RDPKey: [Double]] = [:]

    /// Creates an accountant with no steps recorded.
    ///
    /// - Parameters:
    ///   - orders: The RDP orders to evaluate, each finite and > 1 (integer orders take the exact
    ///     finite sum, fractional ones the series). Defaults to ``opacusOrders``.
    ///   - convention: Fractional-order series and conversion; defaults to ``Convention/opacus``.
    /// - Precondition: Orders non-empty, finite and > 1; a violation stops with a message.
    public init(orders: [Double] = RDPAccountant.opacusOrders, convention: Convention = .opacus) {
        if orders.isEmpty { fatalError("RDPAccountant: orders must not be empty") }
        if let bad = orders.first(where: { !($0 > 1 && $0.isFinite) }) {
            fatalError("RDPAccountant: every order must be finite and > 1, got \(bad)")
        }
        self.orders = orders
        self.convention = convention
    }

    /// Records `steps` DP-SGD steps at noise multiplier σ and Poisson sampling rate q.
    ///
    /// The first record of a given (σ, q) evaluates the RDP at every order (about a millisecond
    /// for Opacus' orders); later records of the same pair only add to the history.
    ///
    /// - Parameters:
    ///   - noiseMultiplier: σ >= 0.
    ///   - sampleRate: q in [0, 1].
    ///   - steps: >= 0.
    public mutating func record(noiseMultiplier: Double, sampleRate: Double, steps: Int) {
        history.appendValidated(
            noiseMultiplier: noiseMultiplier, sampleRate: sampleRate, steps: steps, accountant: "RDPAccountant")
        let key = RDPKey(noiseMultiplier: noiseMultiplier, sampleRate: sampleRate)
        if steps > 0 && perStepRDP[key] == nil {
            let series: SubsampledGaussianRDP.FractionalSeries = convention == .opacus ? .signed : .absolute
            perStepRDP[key] = orders.map {
                SubsampledGaussianRDP.rdp(
                    noiseMultiplier: noiseMultiplier, sampleRate: sampleRate, order: $0, series: series)
            }
        }
    }

    /// The total RDP of the recorded steps at each of ``orders``.
    public var rdp: [Double] {
        var total = [Double](repeating: 0, count: orders.count)
        for record in history {
            let perStep = perStepRDP[RDPKey(noiseMultiplier: record.noiseMultiplier, sampleRate: record.sampleRate)]!
            for k in total.indices { total[k] += perStep[k] * Double(record.steps) }
        }
        return total
    }

    /// The ε for `delta` at the best order; 0 when nothing was recorded.
    ///
    /// - Parameter delta: δ in (0, 1).
    public func epsilon(delta: Double) -> Double { epsilonAndOrder(delta: delta).epsilon }

    /// The ε for `delta` and the order α that attains it (NaN when nothing was recorded or no
    /// order gives a finite ε). An optimum at the smallest or largest order suggests widening
    /// ``orders``.
    ///
    /// - Parameter delta: δ in (0, 1).
    public func epsilonAndOrder(delta: Double) -> (epsilon: Double, order: Double) {
        validateDelta(delta, accountant: "RDPAccountant")
        if history.isEmpty { return (0, .nan) }
        let total = rdp
        let logDelta = Foundation.log(delta)
        var best = (epsilon: Double.infinity, order: Double.nan)
        for (alpha, r) in zip(orders, total) {
            let epsilon: Double
            switch convention {
            case .opacus:
                epsilon = r - (logDelta + Foundation.log(alpha)) / (alpha - 1) + Foundation.log((alpha - 1) / alpha)
            case .dpAccounting:
                if r < 0 || delta * delta + Foundation.expm1(-r) > 0 {
                    epsilon = 0
                } else if alpha > 1.01 {
                    epsilon = r + Foundation.log1p(-1 / alpha) - Foundation.log(delta * alpha) / (alpha - 1)
                } else {
                    epsilon = .infinity
                }
            }
            if epsilon < best.epsilon || (best.order.isNaN && !epsilon.isNaN) { best = (epsilon, alpha) }
        }
        if convention == .dpAccounting { best.epsilon = Swift.max(0, best.epsilon) }
        return best
    }

    /// Equal when the orders, convention and history are (the cache of per-step RDP is derived).
    public static func == (lhs: RDPAccountant, rhs: RDPAccountant) -> Bool {
        lhs.orders == rhs.orders && lhs.convention == rhs.convention && lhs.history == rhs.history
    }
}

/// A (σ, q) pair, the key of the per-step RDP cache.
struct RDPKey: Hashable, Sendable {
    let noiseMultiplier: Double
    let sampleRate: Double
}
