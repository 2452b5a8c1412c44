import Foundation

/// A discretized privacy loss distribution: probability `probabilities[i]` on the loss
/// `(lowerIndex + i) · interval`, plus `infinityMass` on +∞.
///
/// For a mechanism M and neighbouring data sets, the privacy loss is `log(P(o) / P'(o))` for an
/// outcome `o ~ M(D)`; its distribution gives the tight δ(ε) = E[(1 - exp(ε - L))₊] (the hockey
/// stick divergence), and composing mechanisms adds independent losses, so the distribution of
/// a composition is the convolution of the distributions. Every operation here rounds toward
/// larger losses (mass moves up, truncated upper tails go to +∞), so the ε it reports is an
/// upper bound on the ε of the distribution it was built from.
struct DiscretePrivacyLoss: Sendable, Equatable {
    var interval: Double
    var lowerIndex: Int
    var probabilities: [Double]
    var infinityMass: Double

    /// The distribution of the sum of `times` independent copies, computed in one FFT.
    ///
    /// The index window kept is the one outside which a Chernoff bound puts at most
    /// `tailMassTruncation` of the composed mass (moment generating function evaluated at ±1..20
    /// over the support length, as dp-accounting does); that mass is added to +∞, which also
    /// covers what the cyclic FFT wraps into the window.
    func selfComposed(_ times: Int, tailMassTruncation: Double = 1e-15) -> DiscretePrivacyLoss {
        precondition(times >= 1, "selfComposed needs times >= 1, got \(times)")
        if times == 1 { return self }
        let window = Self.chernoffWindow(probabilities, times: times, tailMassTruncation: tailMassTruncation)
        let composed = FFT.selfConvolve(probabilities, times: times, window: window)
        // 1 - (1 - m)^times without cancellation.
        let infinity = tailMassTruncation - Foundation.expm1(Double(times) * Foundation.log1p(-infinityMass))
        return DiscretePrivacyLoss(
            interval: interval, lowerIndex: lowerIndex * times + window.lowerBound, probabilities: composed,
            infinityMass: infinity)
    }

    /// The distribution of the sum of this loss and an independent `other` (same interval).
    ///
    /// The convolution's outer tails, up to `tailMassTruncation / 2` on each side, are cut: the
    /// lower tail's mass moves up onto the first loss kept, the upper tail's onto +∞.
    func composed(with other: DiscretePrivacyLoss, tailMassTruncation: Double = 1e-15) -> DiscretePrivacyLoss {
        precondition(
            interval == other.interval, "composing privacy losses with intervals \(interval) and \(other.interval)")
        var full = FFT.convolve(probabilities, other.probabilities)
        var infinity = infinityMass + other.infinityMass - infinityMass * other.infinityMass
        var (first, end) = (0, full.count)
        var lowerMass = 0.0, upperMass = 0.0
        if tailMassTruncation > 0 {
            while first < full.count && lowerMass + full[first] <= tailMassTruncation / 2 {
                lowerMass += full[first]
                first += 1
            }
            while end > 0 && upperMass + full[end - 1] <= tailMassTruncation / 2 {
                upperMass += full[end - 1]
                end -= 1
            }
            end = Swift.max(end, first + 1)
            if end > full.count {  // everything fell below the threshold: keep the last entry
                first = full.count - 1
                end = full.count
                lowerMass = full[..<first].reduce(0, +)
                upperMass = 0
            }
        }
        var kept = Array(full[first..<end])
        kept[0] += lowerMass
        infinity += upperMass
        full = []
        return DiscretePrivacyLoss(
            interval: interval, lowerIndex: lowerIndex + other.lowerIndex + first, probabilities: kept,
            infinityMass: infinity)
    }

    /// The smallest ε >= 0 with δ(ε) <= `delta`; +∞ if the mass at +∞ alone exceeds `delta`.
    ///
    /// Walks the losses from the top, keeping `Σ p` and `Σ p·exp(-L)` over the losses above the
    /// candidate, and solves `Σ p - exp(ε) Σ p·exp(-L) = δ` on the interval where it applies.
    func epsilon(delta: Double) -> Double {
        if infinityMass > delta { return .infinity }
        var upperMass = infinityMass, lowerMass = 0.0
        var index = probabilities.count - 1
        while index >= 0 {
            let loss = Double(lowerIndex + index) * interval
            if upperMass > delta && lowerMass > 0 && Foundation.log((upperMass - delta) / lowerMass) >= loss { break }
            let p = probabilities[index]
            upperMass += p
            lowerMass += Foundation.exp(-loss) * p
            if upperMass >= delta && lowerMass == 0 { return Swift.max(0, loss) }
            index -= 1
        }
        if upperMass <= lowerMass + delta { return 0 }
        return Foundation.log((upperMass - delta) / lowerMass)
    }

    /// δ(ε) = `infinityMass + Σ_{L > ε} p · (1 - exp(ε - L))`, the hockey-stick divergence.
    func delta(epsilon: Double) -> Double {
        var delta = infinityMass
        for (i, p) in probabilities.enumerated() {
            let loss = Double(lowerIndex + i) * interval
            if loss > epsilon { delta += -Foundation.expm1(epsilon - loss) * p }
        }
        return delta
    }

    /// The indices `lower...upper` of the `times`-fold self-convolution of `p` outside which
    /// Chernoff's bound leaves at most `tailMassTruncation` (half on each side).
    static func chernoffWindow(_ p: [Double], times: Int, tailMassTruncation: Double) -> ClosedRange<Int> {
        var lower = 0, upper = (p.count - 1) * times
        guard tailMassTruncation > 0 else { return lower...upper }
        let logTwoOverTail = Foundation.log(2 / tailMassTruncation)
        for k in [Int](-20...(-1)) + [Int](1...20) {
            let order = Double(k) / Double(p.count)
            // log E[exp(order · index)]. |order · index| <= 20, so the sum cannot overflow; the
            // running power exp(order · i) is refreshed every 64 terms to keep its rounding small.
            let ratio = Foundation.exp(order)
            let sum = p.withUnsafeBufferPointer { p in
                var sum = 0.0, power = 1.0
                for i in 0..<p.count {
                    if i & 63 == 0 { power = Foundation.exp(order * Double(i)) }
                    if p[i] > 0 { sum += p[i] * power }
                    power *= ratio
                }
                return sum
            }
            let logMGF = Foundation.log(sum)
            let bound = (Double(times) * logMGF + logTwoOverTail) / order
            guard bound.isFinite else { continue }
            if order > 0 {
                upper = Swift.min(upper, Int(bound.rounded(.up)))
            } else {
                lower = Swift.max(lower, Int(bound.rounded(.down)))
            }
        }
        return lower...Swift.max(lower, upper)
    }
}
