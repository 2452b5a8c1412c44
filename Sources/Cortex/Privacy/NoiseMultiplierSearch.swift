extension DifferentialPrivacy {
    /// The largest noise multiplier σ tried is 1e6; a budget it cannot meet is refused.
    public static let maximumNoiseMultiplier = 1e6

    /// The noise multiplier σ that spends at most `targetEpsilon` at `delta` over `steps`
    /// Poisson-sampled steps at `sampleRate`.
    ///
    /// Brackets the answer by doubling σ from 20 until ε(σ) <= target, then bisects between 0
    /// and that σ until `target - epsilonTolerance < ε(σ) <= target`, and returns that σ: the
    /// guarantee is always met, and σ is at most slightly larger than needed. The search path is
    /// Opacus 1.6.0's `get_noise_multiplier`, so with the RDP accountant and the default tolerance
    /// the answers agree with Opacus'.
    ///
    /// ```swift
    /// let sigma = try DifferentialPrivacy.noiseMultiplier(
    ///     targetEpsilon: 3, delta: 1e-5, sampleRate: 64.0 / 4000, steps: 625)   // 0.964 (Opacus: 0.964)
    /// ```
    ///
    /// - Parameters:
    ///   - targetEpsilon: The ε budget, finite and > 0.
    ///   - delta: δ in (0, 1).
    ///   - sampleRate: q in (0, 1], the Poisson sampling rate (batchSize / datasetSize).
    ///   - steps: The number of steps, >= 1.
    ///   - accountant: The accountant that measures ε (RDP by default; PLD gives a smaller σ,
    ///     at about 20 evaluations of tens of milliseconds each).
    ///   - epsilonTolerance: How far below the target ε(σ) may end, > 0 (0.01 by default, as Opacus).
    /// - Returns: σ with `targetEpsilon - epsilonTolerance < ε(σ) <= targetEpsilon`.
    /// - Throws: `CortexError.invalidArgument` for arguments out of range, or when even
    ///   σ = ``maximumNoiseMultiplier`` spends more than the budget.
    public static func noiseMultiplier(
        targetEpsilon: Double, delta: Double, sampleRate: Double, steps: Int, accountant: Accountant = .rdp,
        epsilonTolerance: Double = 0.01
    ) throws -> Double {
        if !(targetEpsilon > 0 && targetEpsilon.isFinite) {
            throw CortexError(
                .invalidArgument,
                "noiseMultiplier(targetEpsilon:): targetEpsilon must be finite and > 0, got \(targetEpsilon)")
        }
        if !(delta > 0 && delta < 1) {
            throw CortexError(
                .invalidArgument, "noiseMultiplier(targetEpsilon:): delta must be in (0, 1), got \(delta)")
        }
        if !(sampleRate > 0 && sampleRate <= 1) {
            throw CortexError(
                .invalidArgument, "noiseMultiplier(targetEpsilon:): sampleRate must be in (0, 1], got \(sampleRate)")
        }
        if steps < 1 {
            throw CortexError(.invalidArgument, "noiseMultiplier(targetEpsilon:): steps must be >= 1, got \(steps)")
        }
        if !(epsilonTolerance > 0 && epsilonTolerance.isFinite) {
            throw CortexError(
                .invalidArgument,
                "noiseMultiplier(targetEpsilon:): epsilonTolerance must be finite and > 0, got \(epsilonTolerance)")
        }
        func epsilon(_ sigma: Double) -> Double {
            var spent = accountant.make()
            spent.record(noiseMultiplier: sigma, sampleRate: sampleRate, steps: steps)
            return spent.epsilon(delta: delta)
        }
        var low = 0.0, high = 10.0, epsilonHigh = Double.infinity
        while epsilonHigh > targetEpsilon {
            high *= 2
            epsilonHigh = epsilon(high)
            if high > maximumNoiseMultiplier {
                throw CortexError(
                    .invalidArgument,
                    "noiseMultiplier(targetEpsilon:): ε = \(targetEpsilon) at δ = \(delta) is out of reach for \(steps) steps "
                        + "at sample rate \(sampleRate) (σ = \(high) still spends ε = \(epsilonHigh)); "
                        + "raise the budget or lower the sample rate or the number of steps")
            }
        }
        while targetEpsilon - epsilonHigh > epsilonTolerance {
            let sigma = (low + high) / 2
            // ε(σ) jumping across the whole tolerance band (possible only on a coarse PLD grid)
            // leaves nothing to bisect: the upper end still meets the budget.
            if sigma == low || sigma == high { break }
            let e = epsilon(sigma)
            if e < targetEpsilon {
                high = sigma
                epsilonHigh = e
            } else {
                low = sigma
            }
        }
        return high
    }
}
