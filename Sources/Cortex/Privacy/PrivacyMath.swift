import Foundation

/// Double-precision helpers for the privacy accountants: sums in log space and the tails of the
/// normal distribution, accurate far beyond where `erfc` underflows.
enum PrivacyMath {
    /// `log(exp(a) + exp(b))` without overflow; `-infinity` stands for zero.
    static func logAdd(_ a: Double, _ b: Double) -> Double {
        let (low, high) = a < b ? (a, b) : (b, a)
        if low == -.infinity { return high }
        return high + Foundation.log1p(Foundation.exp(low - high))
    }

    /// `log(exp(a) - exp(b))` for `a >= b`; `-infinity` when they are equal.
    static func logSubtract(_ a: Double, _ b: Double) -> Double {
        if b == -.infinity { return a }
        if a == b { return -.infinity }
        return a + Foundation.log1p(-Foundation.exp(b - a))
    }

    /// `log(a·exp(b) + c)` for `a·exp(b) + c > 0`, as dp-accounting's privacy-loss formulas need it.
    static func logOfScaledExpPlus(_ a: Double, _ b: Double, _ c: Double) -> Double {
        if a == 0 { return Foundation.log(c) }
        if a < 0 { return logSubtract(Foundation.log(c), Foundation.log(-a) + b) }
        if b == 0 { return Foundation.log(a + c) }
        let d = b + Foundation.log(a)
        if c == 0 { return d }
        return c < 0 ? logSubtract(d, Foundation.log(-c)) : logAdd(d, Foundation.log(c))
    }

    /// `log(erfc(x))`, accurate for every finite `x`.
    ///
    /// Below 20 the C library's `erfc` is exact to a few ulp and far from underflow (erfc(20) is
    /// about 5e-176); above, the asymptotic series `erfc(x) = exp(-x²)/(x√π) · Σ (-1)ⁿ (2n-1)!!/(2x²)ⁿ`,
    /// summed until its terms stop shrinking, is accurate to rounding.
    static func logErfc(_ x: Double) -> Double {
        if x < 20 { return Foundation.log(Foundation.erfc(x)) }
        if x == .infinity { return -.infinity }
        let inverseTwoXSquared = 1 / (2 * x * x)
        var term = 1.0, sum = 1.0, n = 1.0
        while true {
            let next = -term * (2 * n - 1) * inverseTwoXSquared
            if Swift.abs(next) >= Swift.abs(term) || Swift.abs(next) < 1e-17 * Swift.abs(sum) { break }
            sum += next
            term = next
            n += 1
        }
        return -x * x - Foundation.log(x) - 0.5 * Foundation.log(Double.pi) + Foundation.log(sum)
    }

    /// The standard normal distribution function Φ(x).
    static func normalCDF(_ x: Double) -> Double { 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) }

    /// `log Φ(x)`, accurate in the far lower tail.
    static func logNormalCDF(_ x: Double) -> Double {
        // Above 0, Φ is close to 1: log1p of the upper tail avoids losing its digits.
        if x > 0 { return Foundation.log1p(-0.5 * Foundation.erfc(x / 2.0.squareRoot())) }
        return -Foundation.log(2) + logErfc(-x / 2.0.squareRoot())
    }

    /// The standard normal quantile Φ⁻¹(exp(logP)) for a lower-tail probability (logP < log ½),
    /// by bisection on `logNormalCDF`: slow but exact to rounding, and called rarely.
    static func normalQuantile(logProbability logP: Double) -> Double {
        precondition(logP < -Foundation.log(2), "normalQuantile serves the lower tail only")
        var low = -40.0, high = 0.0
        for _ in 0..<200 {
            let middle = 0.5 * (low + high)
            if middle == low || middle == high { break }
            if logNormalCDF(middle) < logP { low = middle } else { high = middle }
        }
        return 0.5 * (low + high)
    }

    /// `log |Γ(x)|` (the C library's reentrant `lgamma_r`).
    static func logAbsGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// `log |C(n, k)|` for real `n` and integer `k >= 0` (Γ-function form, so `n` may be fractional).
    static func logAbsBinomial(_ n: Double, _ k: Int) -> Double {
        logAbsGamma(n + 1) - logAbsGamma(Double(k) + 1) - logAbsGamma(n - Double(k) + 1)
    }

    /// Whether the generalized binomial coefficient C(α, k) = α(α-1)…(α-k+1)/k! is negative:
    /// one negative factor for every j < k with j > α.
    static func binomialIsNegative(_ alpha: Double, _ k: Int) -> Bool {
        let negativeFactors = Swift.max(0, k - Int(alpha.rounded(.up)))
        return alpha.rounded(.down) != alpha && negativeFactors % 2 == 1
    }
}
