import Foundation

/// The discretized privacy loss distribution of one step of the Poisson-subsampled Gaussian
/// mechanism (sensitivity 1, noise N(0, σ²), sampling rate q), as dp-accounting 0.6.0 builds it.
///
/// With μ = N(0, σ²), the worst-case pairs of output distributions are (Zhu, Dong and Wang 2022;
/// dp-accounting's `GaussianPrivacyLoss`):
/// - removing an example: upper `(1-q)·μ(x) + q·μ(x + 1)`, lower `μ(x)`;
/// - adding an example: upper `μ(x)`, lower `(1-q)·μ(x) + q·μ(x - 1)`.
/// The privacy loss is monotone in x, so the hockey-stick divergence δ(ε) has a closed form in
/// the normal CDF at the point where the loss equals ε.
///
/// Discretization ("connect the dots", Doroshenko, Ghazi, Kamath, Kumar and Manurangsi 2022,
/// Algorithm 1, pessimistic): the losses kept are the multiples of `interval` between the losses
/// at the outputs `x` where μ's tails hold `exp(-50) / 2` each; the probabilities are chosen so
/// that the discrete distribution's δ(ε) equals the true one at every grid point and is linear in
/// exp(ε) in between. The true δ is a convex function of exp(ε) (a supremum of affine ones), so
/// these chords lie above it; the true δ at the top grid point goes to +∞.
/// The result's ε for any δ is therefore an upper bound on the mechanism's.
enum SubsampledGaussianPLD {
    /// Which neighbouring relation's distribution to build.
    enum Adjacency: Sendable {
        /// D' = D minus one example.
        case remove
        /// D' = D plus one example.
        case add
    }

    /// The discretized distribution for `adjacency`.
    ///
    /// - Parameters:
    ///   - sigma: σ > 0.
    ///   - q: 0 < q <= 1.
    ///   - interval: the loss grid's spacing (dp-accounting's `value_discretization_interval`).
    ///   - logMassTruncation: log of the noise mass left outside the range considered.
    static func distribution(
        sigma: Double, q: Double, adjacency: Adjacency, interval: Double, logMassTruncation: Double = -50
    ) -> DiscretePrivacyLoss {
        let loss = Loss(sigma: sigma, q: q, adjacency: adjacency)
        // μ's tails beyond ±t hold exp(logMassTruncation)/2 each; shifted by the sensitivity on the side that needs it.
        let t = -sigma * PrivacyMath.normalQuantile(logProbability: -Foundation.log(2) + logMassTruncation)
        let (lowerX, upperX) = adjacency == .remove ? (-t - 1, t) : (-t, t + 1)
        let upperIndex = Int((loss.privacyLoss(lowerX) / interval).rounded(.up))
        let lowerIndex = Int((loss.privacyLoss(upperX) / interval).rounded(.down))
        let count = upperIndex - lowerIndex + 1
        var deltas = [Double](repeating: 0, count: count)
        for k in 0..<count { deltas[k] = loss.hockeyStick(epsilon: Double(lowerIndex + k) * interval) }
        return connectTheDots(deltas: deltas, lowerIndex: lowerIndex, interval: interval)
    }

    /// Probabilities on the grid whose δ(ε) passes through `deltas` (pessimistic connect the dots,
    /// equal spacing): with dᵢ = δᵢ₊₁ - δᵢ and h = `interval`,
    /// p₀ = 1 - δ₀ + d₀/(eʰ - 1), pᵢ = (dᵢ - eʰ dᵢ₋₁)/(eʰ - 1), pₙ₋₁ = dₙ₋₂/(e⁻ʰ - 1), +∞ gets δₙ₋₁.
    static func connectTheDots(deltas rawDeltas: [Double], lowerIndex: Int, interval: Double) -> DiscretePrivacyLoss {
        let n = rawDeltas.count
        precondition(n >= 1, "connectTheDots needs at least one grid point")
        if n == 1 {
            return DiscretePrivacyLoss(
                interval: interval, lowerIndex: lowerIndex, probabilities: [1 - rawDeltas[0]],
                infinityMass: rawDeltas[0])
        }
        // δ(ε) is non-increasing; rounding can leave it rising by a hair, which the running minimum removes.
        var deltas = rawDeltas
        for k in 1..<n { deltas[k] = Swift.min(deltas[k], deltas[k - 1]) }
        let expm1H = Foundation.expm1(interval), expH = Foundation.exp(interval)
        var p = [Double](repeating: 0, count: n)
        p[0] = 1 - deltas[0] + (deltas[1] - deltas[0]) / expm1H
        if n > 2 {
            for i in 1..<(n - 1) {
                p[i] = ((deltas[i + 1] - deltas[i]) - (deltas[i] - deltas[i - 1]) * expH) / expm1H
            }
        }
        p[n - 1] = (deltas[n - 1] - deltas[n - 2]) / Foundation.expm1(-interval)
        for i in 0..<n where !(p[i] > 0) { p[i] = 0 }
        return DiscretePrivacyLoss(
            interval: interval, lowerIndex: lowerIndex, probabilities: p, infinityMass: deltas[n - 1])
    }

    /// The continuous privacy loss of one adjacency and its hockey-stick divergence.
    struct Loss {
        let sigma: Double, q: Double, adjacency: Adjacency

        /// The privacy loss at output x for removal without subsampling: (-1/2 - x)/σ².
        private func lossWithoutSampling(_ x: Double) -> Double { (-0.5 - x) / (sigma * sigma) }

        private func removeLoss(_ x: Double) -> Double {
            let base = lossWithoutSampling(x)
            return q == 1 ? base : PrivacyMath.logOfScaledExpPlus(q, base, 1 - q)
        }

        /// The privacy loss log(upper(x) / lower(x)), non-increasing in x.
        func privacyLoss(_ x: Double) -> Double {
            adjacency == .remove ? removeLoss(x) : -removeLoss(-x)
        }

        /// The largest x whose privacy loss is at least `epsilon`.
        func inversePrivacyLoss(_ epsilon: Double) -> Double {
            let sigmaSquared = sigma * sigma
            switch adjacency {
            case .remove:
                if q == 1 { return -0.5 - epsilon * sigmaSquared }
                if isClose(epsilon, Foundation.log(1 - q)) { return .infinity }
                let base = PrivacyMath.logOfScaledExpPlus(1 / q, epsilon, 1 - 1 / q)
                return -0.5 - base * sigmaSquared
            case .add:
                if q == 1 { return 0.5 - epsilon * sigmaSquared }
                if isClose(epsilon, -Foundation.log(1 - q)) { return -.infinity }
                let base = -PrivacyMath.logOfScaledExpPlus(1 / q, -epsilon, 1 - 1 / q)
                return 0.5 - base * sigmaSquared
            }
        }

        /// P(upper <= x).
        func upperCDF(_ x: Double) -> Double {
            switch adjacency {
            case .add: return PrivacyMath.normalCDF(x / sigma)
            case .remove:
                if q == 1 { return PrivacyMath.normalCDF((x + 1) / sigma) }
                return (1 - q) * PrivacyMath.normalCDF(x / sigma) + q * PrivacyMath.normalCDF((x + 1) / sigma)
            }
        }

        /// log P(lower <= x).
        func lowerLogCDF(_ x: Double) -> Double {
            switch adjacency {
            case .remove: return PrivacyMath.logNormalCDF(x / sigma)
            case .add:
                if q == 1 { return PrivacyMath.logNormalCDF((x - 1) / sigma) }
                return PrivacyMath.logAdd(
                    Foundation.log1p(-q) + PrivacyMath.logNormalCDF(x / sigma),
                    Foundation.log(q) + PrivacyMath.logNormalCDF((x - 1) / sigma))
            }
        }

        /// δ(ε) = P(upper <= x) - exp(ε) P(lower <= x) at x = the inverse loss of ε, clipped to [0, 1].
        ///
        /// Removal: for ε <= log(1-q), δ = 1 - exp(ε). Addition: for ε >= -log(1-q), δ = 0.
        func hockeyStick(epsilon: Double) -> Double {
            let delta: Double
            switch adjacency {
            case .remove where q < 1 && !(epsilon > Foundation.log1p(-q)):
                delta = -Foundation.expm1(epsilon)
            case .add where q < 1 && !(epsilon < -Foundation.log1p(-q)):
                delta = 0
            default:
                let x = inversePrivacyLoss(epsilon)
                delta = upperCDF(x) - Foundation.exp(epsilon + lowerLogCDF(x))
            }
            return Swift.min(1, Swift.max(0, delta))
        }

        /// Python's `math.isclose` with its default relative tolerance 1e-9.
        private func isClose(_ a: Double, _ b: Double) -> Bool {
            a == b || Swift.abs(a - b) <= 1e-9 * Swift.max(Swift.abs(a), Swift.abs(b))
        }
    }
}
