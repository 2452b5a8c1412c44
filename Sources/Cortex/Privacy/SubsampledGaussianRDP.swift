import Foundation

/// Rényi differential privacy of one step of the Poisson-subsampled Gaussian mechanism
/// (sensitivity 1, noise standard deviation σ, sampling rate q), after Mironov, Talwar and Zhang,
/// "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (2019), Section 3.3.
///
/// The RDP at order α is `log(A_α) / (α - 1)`. For an integer α, `A_α` is a finite binomial sum;
/// for a fractional α it is the sum of two series whose terms carry `C(α, i)`, which turns
/// negative for `i > α + 1`. All sums run in log space in Double.
enum SubsampledGaussianRDP {
    /// How the fractional-order series is summed.
    enum FractionalSeries {
        /// Signed terms, stopping once both terms fall below `exp(-30)` (Opacus 1.6.0): the
        /// value of `A_α` itself.
        case signed
        /// Absolute values of the terms, stopping once both terms decrease and fall 30 nats
        /// below the running total, at most 1000 terms (dp-accounting 0.6.0): an upper bound
        /// on `A_α`, slightly larger than the signed sum.
        case absolute
    }

    /// The RDP of one step at `order`; `+infinity` when σ = 0 (no noise) or the order is infinite.
    static func rdp(noiseMultiplier sigma: Double, sampleRate q: Double, order alpha: Double, series: FractionalSeries)
        -> Double
    {
        if q == 0 { return 0 }
        if sigma == 0 || alpha.isInfinite { return .infinity }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA: Double
        if alpha.rounded(.down) == alpha && alpha <= Double(Int32.max) {
            logA = logAForIntegerOrder(sigma: sigma, q: q, alpha: Int(alpha))
        } else {
            logA = logAForFractionalOrder(sigma: sigma, q: q, alpha: alpha, series: series)
        }
        return logA / (alpha - 1)
    }

    /// `log A_α = log Σᵢ C(α, i) qⁱ (1-q)^(α-i) exp((i² - i) / (2σ²))` for an integer α.
    static func logAForIntegerOrder(sigma: Double, q: Double, alpha: Int) -> Double {
        let logQ = Foundation.log(q), log1mQ = Foundation.log1p(-q)
        let twoSigmaSquared = 2 * sigma * sigma
        var logA = -Double.infinity
        for i in 0...alpha {
            let di = Double(i)
            let term =
                PrivacyMath.logAbsBinomial(Double(alpha), i) + di * logQ + Double(alpha - i) * log1mQ
                + (di * di - di) / twoSigmaSquared
            logA = PrivacyMath.logAdd(logA, term)
        }
        return logA
    }

    /// `log A_α` for a fractional α: the integrals over `(-∞, z₀]` and `[z₀, ∞)` with
    /// `z₀ = σ² log(1/q - 1) + 1/2`, each a series in `i = 0, 1, 2, …`.
    static func logAForFractionalOrder(sigma: Double, q: Double, alpha: Double, series: FractionalSeries) -> Double {
        let logQ = Foundation.log(q), log1mQ = Foundation.log1p(-q)
        let twoSigmaSquared = 2 * sigma * sigma
        let z0 = sigma * sigma * Foundation.log(1 / q - 1) + 0.5
        let scale = 1 / (2.0.squareRoot() * sigma)
        let logHalf = -Foundation.log(2.0)
        // Signed running sums (sign, log magnitude) for the two integrals.
        var sum0 = SignedLog.zero, sum1 = SignedLog.zero
        var last0 = -Double.infinity, last1 = -Double.infinity
        var i = 0
        while true {
            let di = Double(i), j = alpha - di
            let logCoefficient = PrivacyMath.logAbsBinomial(alpha, i)
            let logT0 = logCoefficient + di * logQ + j * log1mQ
            let logT1 = logCoefficient + j * logQ + di * log1mQ
            let logE0 = logHalf + PrivacyMath.logErfc((di - z0) * scale)
            let logE1 = logHalf + PrivacyMath.logErfc((z0 - j) * scale)
            let logS0 = logT0 + (di * di - di) / twoSigmaSquared + logE0
            let logS1 = logT1 + (j * j - j) / twoSigmaSquared + logE1
            switch series {
            case .signed:
                let negative = PrivacyMath.binomialIsNegative(alpha, i)
                sum0.add(logMagnitude: logS0, negative: negative)
                sum1.add(logMagnitude: logS1, negative: negative)
                if Swift.max(logS0, logS1) < -30 { return PrivacyMath.logAdd(sum0.logValue, sum1.logValue) }
            case .absolute:
                sum0.add(logMagnitude: logS0, negative: false)
                sum1.add(logMagnitude: logS1, negative: false)
                let total = PrivacyMath.logAdd(sum0.logValue, sum1.logValue)
                if logS0 < last0 && logS1 < last1 && Swift.max(logS0, logS1) < total - 30 { return total }
                if i == 999 { return .infinity }  // not converged: dp-accounting drops the order
                last0 = logS0
                last1 = logS1
            }
            i += 1
        }
    }
}

/// A real number kept as a sign and the logarithm of its magnitude.
struct SignedLog {
    var negative = false
    var logMagnitude = -Double.infinity

    static let zero = SignedLog()

    /// The logarithm of the value; NaN if the value is negative (a series that should stay
    /// positive went below zero through rounding).
    var logValue: Double { negative && logMagnitude > -.infinity ? .nan : logMagnitude }

    mutating func add(logMagnitude other: Double, negative otherNegative: Bool) {
        if other == -.infinity { return }
        if negative == otherNegative {
            logMagnitude = PrivacyMath.logAdd(logMagnitude, other)
        } else if logMagnitude >= other {
            logMagnitude = PrivacyMath.logSubtract(logMagnitude, other)
        } else {
            logMagnitude = PrivacyMath.logSubtract(other, logMagnitude)
            negative = otherNegative
        }
    }
}
