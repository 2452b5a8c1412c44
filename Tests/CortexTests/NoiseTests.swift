import Foundation
import Testing

@testable import Cortex

/// Moments and tail frequencies of a sample, in Double.
private struct SampleStatistics {
    var count = 0.0, mean = 0.0, variance = 0.0, kurtosis = 0.0, lagOneCorrelation = 0.0
    var beyond: [Double: Double] = [:]  // threshold (in the sample's units) -> fraction with |x| > threshold
    var negativeFraction = 0.0

    init(_ x: [Float], thresholds: [Double] = [1, 2, 3, 3.6541528853610088, 4]) {
        count = Double(x.count)
        mean = x.reduce(0.0) { $0 + Double($1) } / count
        var m2 = 0.0, m4 = 0.0, lag = 0.0
        for (i, v) in x.enumerated() {
            let d = Double(v) - mean
            m2 += d * d
            m4 += d * d * d * d
            if i > 0 { lag += d * (Double(x[i - 1]) - mean) }
        }
        variance = m2 / count
        kurtosis = m4 / count / (variance * variance)
        lagOneCorrelation = lag / m2
        for t in thresholds { beyond[t] = Double(x.lazy.filter { Swift.abs(Double($0)) > t }.count) / count }
        negativeFraction = Double(x.lazy.filter { $0 < 0 }.count) / count
    }

    /// Checks a standard normal sample scaled by `sigma`, each statistic within `z` standard errors.
    func expectNormal(sigma: Double, z: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        let n = count
        #expect(Swift.abs(mean) < z * sigma / n.squareRoot(), "mean \(mean)", sourceLocation: sourceLocation)
        // Var(s²) = 2σ⁴/n for a normal sample.
        #expect(
            Swift.abs(variance - sigma * sigma) < z * sigma * sigma * (2 / n).squareRoot(), "variance \(variance)",
            sourceLocation: sourceLocation)
        // Var of the sample kurtosis ≈ 24/n.
        #expect(
            Swift.abs(kurtosis - 3) < z * (24 / n).squareRoot(), "kurtosis \(kurtosis)", sourceLocation: sourceLocation)
        #expect(
            Swift.abs(lagOneCorrelation) < z / n.squareRoot(), "lag-1 correlation \(lagOneCorrelation)",
            sourceLocation: sourceLocation)
        #expect(
            Swift.abs(negativeFraction - 0.5) < z * 0.5 / n.squareRoot(), "sign \(negativeFraction)",
            sourceLocation: sourceLocation)
        for (t, fraction) in beyond {
            let p = Foundation.erfc(t / (sigma * 2.0.squareRoot()))  // P(|σZ| > t)
            #expect(
                Swift.abs(fraction - p) < z * (p * (1 - p) / n).squareRoot(), "P(|Z| > \(t)) \(fraction) vs \(p)",
                sourceLocation: sourceLocation)
        }
    }
}

@Suite struct NoiseTests {
    @Test func zigguratTablesCloseAtTheTop() {
        let z = Ziggurat.shared
        // Marsaglia and Tsang's published constant for 256 layers.
        #expect(Swift.abs(z.r - 3.6541528853610088) < 1e-12, "\(z.r)")
        #expect(z.edges[1] == z.r && z.edges[256] == 0)
        for i in 0..<256 { #expect(z.edges[i] > z.edges[i + 1]) }
        // Every rectangle layer has the base layer's area v, and the top one closes at f = 1.
        let v = z.r * z.heights[1] + (Double.pi / 2).squareRoot() * Foundation.erfc(z.r / 2.0.squareRoot())
        for i in 1..<256 {
            let area = z.edges[i] * (z.heights[i + 1] - z.heights[i])
            #expect(Swift.abs(area - v) < 1e-12, "layer \(i): \(area) vs \(v)")
        }
        #expect(z.heights[256] == 1)
    }

    @Test func seededNoiseIsStandardNormalWithFixedSeed() {
        var noise = SeededGaussianNoise(seed: 2024)
        var x = [Float](repeating: .nan, count: 2_000_000)
        noise.fill(&x, standardDeviation: 1)
        // Fixed seed: deterministic, but bounds a correct sampler meets with overwhelming probability.
        SampleStatistics(x).expectNormal(sigma: 1, z: 5)
        #expect(x.allSatisfy { $0.isFinite })
        // Goodness of fit over the whole distribution: Kolmogorov–Smirnov on a prefix.
        let sorted = x.prefix(200_000).map(Double.init).sorted()
        var worst = 0.0
        for (i, v) in sorted.enumerated() {
            let cdf = PrivacyMath.normalCDF(v)
            worst = Swift.max(
                worst, Swift.abs(cdf - Double(i) / Double(sorted.count)),
                Swift.abs(cdf - Double(i + 1) / Double(sorted.count)))
        }
        #expect(worst < 1.95 / Double(sorted.count).squareRoot(), "KS statistic \(worst)")  // 0.1% level
    }

    @Test func standardDeviationScalesAndZeroGivesZeros() {
        var noise = SeededGaussianNoise(seed: 9)
        var x = [Float](repeating: 0, count: 500_000)
        noise.fill(&x, standardDeviation: 3)
        SampleStatistics(x, thresholds: [3, 6, 9]).expectNormal(sigma: 3, z: 5)
        noise.fill(&x, standardDeviation: 0)
        #expect(x.allSatisfy { $0 == 0 })
    }

    /// The tail beyond r is sampled exactly, not truncated: its conditional survival function
    /// is that of the normal.
    @Test func tailSamplerFollowsTheNormalTail() {
        var generator = RandomGenerator(seed: 77)
        let count = 200_000
        var samples: [Double] = []
        while samples.count < count {
            if let x = Ziggurat.shared.tailCandidate(generator.next(), generator.next()) { samples.append(x) }
        }
        let r = Ziggurat.shared.r
        #expect(samples.allSatisfy { $0 >= r })
        for t in [0.25, 0.5, 1.0, 1.5] {
            let expected = Foundation.erfc((r + t) / 2.0.squareRoot()) / Foundation.erfc(r / 2.0.squareRoot())
            let observed = Double(samples.lazy.filter { $0 > r + t }.count) / Double(count)
            #expect(
                Swift.abs(observed - expected) < 5 * (expected * (1 - expected) / Double(count)).squareRoot(),
                "P(X > r + \(t) | X > r) \(observed) vs \(expected)")
        }
        #expect(samples.max()! > r + 1.5)  // values far beyond 5σ are reachable
    }

    @Test func seededNoiseIsReproducibleAndContinuesItsStream() {
        var a = SeededGaussianNoise(seed: 5), b = SeededGaussianNoise(seed: 5)
        var once = [Float](repeating: 0, count: 20), first = [Float](repeating: 0, count: 7)
        var second = [Float](repeating: 0, count: 13)
        a.fill(&once, standardDeviation: 0.5)
        b.fill(&first, standardDeviation: 0.5)
        b.fill(&second, standardDeviation: 0.5)
        #expect(once == first + second)
        #expect(a == b)
        // The same as filling from the generator directly.
        var generator = RandomGenerator(seed: 5)
        var direct = [Float](repeating: 0, count: 20)
        direct.withUnsafeMutableBufferPointer { generator.fillNormal($0, standardDeviation: 0.5) }
        #expect(direct == once && generator == a.generator)
        // Another seed, other noise.
        var c = SeededGaussianNoise(seed: 6)
        var other = [Float](repeating: 0, count: 20)
        c.fill(&other, standardDeviation: 0.5)
        #expect(other != once)
    }

    @Test func secureNoiseIsStandardNormalAndUnpredictable() throws {
        var noise = try SecureGaussianNoise()
        var x = [Float](repeating: .nan, count: 400_000)
        let start = DispatchTime.now().uptimeNanoseconds
        noise.fill(&x, standardDeviation: 2)
        let nanoseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(x.count)
        print("secure noise: \(nanoseconds) ns per value (wall clock, this build)")
        // No seed: bounds at 6 standard errors fail by chance about once in 10⁸ runs.
        SampleStatistics(x, thresholds: [2, 4, 6]).expectNormal(sigma: 2, z: 6)
        var y = [Float](repeating: 0, count: 64)
        noise.fill(&y, standardDeviation: 1)
        var z = [Float](repeating: 0, count: 64)
        noise.fill(&z, standardDeviation: 1)
        #expect(y != z)
    }
}
