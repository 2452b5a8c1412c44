import Foundation
import Testing

@testable import Cortex

@Suite struct PLDAccountantTests {
    let reference = PrivacyReference.shared

    @Test func anchorWithinOnePercentOfDPAccountingAndOpacusPRV() {
        var pld = PLDAccountant()
        pld.record(noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250)
        let start = DispatchTime.now().uptimeNanoseconds
        let epsilon = pld.epsilon(delta: 1e-5)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("PLD σ 1.5 q 0.04 2250 steps δ 1e-5: ε \(epsilon) in \(seconds) s")
        #expect(Swift.abs(epsilon - 6.7688) / 6.7688 < 0.01)
        #expect(Swift.abs(epsilon - 6.7774) / 6.7774 < 0.01)
        // Same construction as dp-accounting: far closer than the 1% asked.
        #expect(
            relativelyClose(epsilon, reference.anchors.pld.epsilon, 1e-6),
            "\(epsilon) vs \(reference.anchors.pld.epsilon)")
        // Tighter than RDP on the same steps, and an upper bound: above the PRV estimate's lower side.
        var rdp = RDPAccountant()
        rdp.record(noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250)
        #expect(epsilon < rdp.epsilon(delta: 1e-5))
    }

    @Test func gridWithinOnePercentOfDPAccounting() {
        var worst = 0.0
        // The composition does not depend on δ: build it once per history, then read every δ off it.
        let histories = reference.pld_grid.reduce(into: [[[Double]]]()) {
            if !$0.contains($1.records) { $0.append($1.records) }
        }
        for records in histories {
            var pld = PLDAccountant()
            pld.record(records)
            guard case .distributions(let remove, let add) = pld.composition() else {
                Issue.record("\(records) composed to nothing")
                continue
            }
            for entry in reference.pld_grid where entry.records == records {
                let epsilon = Swift.max(remove.epsilon(delta: entry.delta), add?.epsilon(delta: entry.delta) ?? 0)
                let difference = Swift.abs(epsilon - entry.pld) / entry.pld
                worst = Swift.max(worst, difference)
                #expect(difference < 0.01, "\(records) δ \(entry.delta): \(epsilon) vs \(entry.pld)")
                // Opacus' PRV accountant estimates ε to within its eps_error (0.01 by default).
                #expect(Swift.abs(epsilon - entry.prv) <= 0.01 * entry.prv + 0.02, "PRV \(entry.prv) vs \(epsilon)")
            }
            if records == histories.first! {
                #expect(pld.epsilon(delta: 1e-5) == Swift.max(remove.epsilon(delta: 1e-5), add!.epsilon(delta: 1e-5)))
            }
        }
        print("PLD grid: \(reference.pld_grid.count) cases, worst relative difference to dp-accounting \(worst)")
        #expect(worst < 1e-6)
    }

    /// The discrete distribution's δ(ε) passes through the mechanism's at every grid point and
    /// lies above it in between (pessimistic), with total mass 1.
    @Test func connectTheDotsIsPessimistic() {
        for adjacency in [SubsampledGaussianPLD.Adjacency.remove, .add] {
            let interval = 1e-2
            let d = SubsampledGaussianPLD.distribution(sigma: 1.2, q: 0.05, adjacency: adjacency, interval: interval)
            let loss = SubsampledGaussianPLD.Loss(sigma: 1.2, q: 0.05, adjacency: adjacency)
            #expect(Swift.abs(d.probabilities.reduce(0, +) + d.infinityMass - 1) < 1e-12)
            for k in stride(from: d.lowerIndex, to: d.lowerIndex + d.probabilities.count, by: 7) {
                for offset in [0.0, 0.3, 0.7] {
                    let epsilon = (Double(k) + offset) * interval
                    let exact = loss.hockeyStick(epsilon: epsilon)
                    let discrete = d.delta(epsilon: epsilon)
                    if offset == 0 {
                        #expect(
                            Swift.abs(discrete - exact) < 1e-12, "\(adjacency) ε \(epsilon): \(discrete) vs \(exact)")
                    } else {
                        #expect(discrete >= exact - 1e-12, "\(adjacency) ε \(epsilon): \(discrete) < \(exact)")
                    }
                }
            }
        }
    }

    /// Without subsampling the loss of a Gaussian mechanism is itself Gaussian, N(μ, 2μ) with
    /// μ = k / (2σ²) after k steps, and δ(ε) has a closed form (Balle and Wang 2018).
    @Test func unsampledGaussianMatchesClosedForm() {
        let sigma = 4.0, steps = 10
        var pld = PLDAccountant()
        pld.record(noiseMultiplier: sigma, sampleRate: 1, steps: steps)
        let delta = 1e-6
        let epsilon = pld.epsilon(delta: delta)
        // δ(ε) = Φ(-ε/s + s/2) - e^ε Φ(-ε/s - s/2), s = √k / σ.
        let s = Double(steps).squareRoot() / sigma
        func exactDelta(_ e: Double) -> Double {
            PrivacyMath.normalCDF(-e / s + s / 2) - Foundation.exp(e) * PrivacyMath.normalCDF(-e / s - s / 2)
        }
        var low = 0.0, high = 20.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if exactDelta(mid) > delta { low = mid } else { high = mid }
        }
        #expect(epsilon >= high - 1e-9, "upper bound: \(epsilon) vs exact \(high)")
        #expect(epsilon - high < 1e-3 * high, "\(epsilon) vs exact \(high)")
    }

    @Test func heterogeneousCompositionIsOrderIndependentAndStepwiseMerges() {
        var ab = PLDAccountant(valueDiscretizationInterval: 1e-3), ba = PLDAccountant(valueDiscretizationInterval: 1e-3)
        ab.record(noiseMultiplier: 1.0, sampleRate: 0.01, steps: 200)
        ab.record(noiseMultiplier: 2.0, sampleRate: 0.05, steps: 100)
        ba.record(noiseMultiplier: 2.0, sampleRate: 0.05, steps: 100)
        ba.record(noiseMultiplier: 1.0, sampleRate: 0.01, steps: 200)
        #expect(relativelyClose(ab.epsilon(delta: 1e-5), ba.epsilon(delta: 1e-5), 1e-9))
        var stepwise = PLDAccountant(valueDiscretizationInterval: 1e-3)
        for _ in 0..<200 { stepwise.record(noiseMultiplier: 1.0, sampleRate: 0.01, steps: 1) }
        var once = PLDAccountant(valueDiscretizationInterval: 1e-3)
        once.record(noiseMultiplier: 1.0, sampleRate: 0.01, steps: 200)
        #expect(stepwise == once)
        // Composing two settings costs more privacy than either alone.
        #expect(ab.epsilon(delta: 1e-5) > once.epsilon(delta: 1e-5))
    }

    @Test func finerGridGivesSmallerUpperBound() {
        func epsilon(_ interval: Double) -> Double {
            var pld = PLDAccountant(valueDiscretizationInterval: interval)
            pld.record(noiseMultiplier: 1.0, sampleRate: 0.016, steps: 625)
            return pld.epsilon(delta: 1e-5)
        }
        let coarse = epsilon(1e-2), medium = epsilon(1e-3), fine = epsilon(1e-4)
        #expect(coarse >= medium && medium >= fine, "\(coarse) \(medium) \(fine)")
        #expect(coarse - fine < 0.05 * fine)
    }

    @Test func edgeCases() {
        #expect(PLDAccountant().epsilon(delta: 1e-5) == 0)
        var noNoise = PLDAccountant()
        noNoise.record(noiseMultiplier: 0, sampleRate: 0.1, steps: 1)
        #expect(noNoise.epsilon(delta: 1e-5) == .infinity)
        var unsampled = PLDAccountant()
        unsampled.record(noiseMultiplier: 0, sampleRate: 0, steps: 10)
        #expect(unsampled.epsilon(delta: 1e-5) == 0)
        #expect(unsampled.steps == 10)
    }
}

@Suite struct FFTTests {
    /// The transform of random complex data equals the O(n²) DFT, for every power of two up to 256.
    @Test func forwardMatchesNaiveDFT() {
        var generator = RandomGenerator(seed: 3)
        for log2n in 0...8 {
            let n = 1 << log2n
            var re = (0..<n).map { _ in Double(generator.nextUnitFloat()) - 0.5 }
            var im = (0..<n).map { _ in Double(generator.nextUnitFloat()) - 0.5 }
            var expectedRe = [Double](repeating: 0, count: n), expectedIm = expectedRe
            for k in 0..<n {
                for j in 0..<n {
                    let angle = -2 * Double.pi * Double(j * k % n) / Double(n)
                    expectedRe[k] += re[j] * Foundation.cos(angle) - im[j] * Foundation.sin(angle)
                    expectedIm[k] += re[j] * Foundation.sin(angle) + im[j] * Foundation.cos(angle)
                }
            }
            let original = (re, im)
            let fft = FFT(count: n)
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in fft.forward(real: r, imaginary: i) }
            }
            for k in 0..<n {
                #expect(
                    Swift.abs(re[k] - expectedRe[k]) < 1e-12 && Swift.abs(im[k] - expectedIm[k]) < 1e-12,
                    "n \(n) k \(k)")
            }
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in fft.inverse(real: r, imaginary: i) }
            }
            for k in 0..<n {
                #expect(Swift.abs(re[k] - original.0[k]) < 1e-14 && Swift.abs(im[k] - original.1[k]) < 1e-14)
            }
        }
    }

    /// The packed real transform equals the complex transform of the same data, and inverts it.
    @Test func realTransformMatchesComplexTransform() {
        var generator = RandomGenerator(seed: 5)
        for log2n in 1...9 {
            let n = 1 << log2n
            let x = (0..<n).map { _ in Double(generator.nextUnitFloat()) - 0.5 }
            var re = x, im = [Double](repeating: 0, count: n)
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in FFT(count: n).forward(real: r, imaginary: i) }
            }
            let real = RealFFT(count: n)
            // A shorter input is zero-padded.
            let (xr, xi) = real.forward(x)
            #expect(xr.count == n / 2 + 1)
            for k in 0...(n / 2) {
                #expect(Swift.abs(xr[k] - re[k]) < 1e-13 && Swift.abs(xi[k] - im[k]) < 1e-13, "n \(n) bin \(k)")
            }
            let back = real.inverse(real: xr, imaginary: xi)
            for j in 0..<n { #expect(Swift.abs(back[j] - x[j]) < 1e-15) }
            let (pr, pi) = real.forward(Array(x.prefix(n / 2 + 1)))
            let padded = real.inverse(real: pr, imaginary: pi)
            for j in 0..<n { #expect(Swift.abs(padded[j] - (j <= n / 2 ? x[j] : 0)) < 1e-15) }
        }
    }

    @Test func convolutionsMatchDirectSums() {
        let a: [Double] = [0.5, 0.25, 0, 0.125, 0.125], b: [Double] = [0.1, 0.2, 0.3, 0.4]
        var direct = [Double](repeating: 0, count: a.count + b.count - 1)
        for (i, x) in a.enumerated() { for (j, y) in b.enumerated() { direct[i + j] += x * y } }
        for (x, y) in zip(FFT.convolve(a, b), direct) { #expect(Swift.abs(x - y) < 1e-15) }
        // a convolved with itself 5 times, by repeated direct convolution, against the FFT power.
        var power = a
        for _ in 1..<5 {
            var next = [Double](repeating: 0, count: power.count + a.count - 1)
            for (i, x) in power.enumerated() { for (j, y) in a.enumerated() { next[i + j] += x * y } }
            power = next
        }
        let full = FFT.selfConvolve(a, times: 5, window: 0...(power.count - 1))
        for (x, y) in zip(full, power) { #expect(Swift.abs(x - y) < 1e-15) }
        // A window that starts above 0 (the transform is still long enough for the whole result).
        let window = FFT.selfConvolve(a, times: 5, window: 3...(power.count - 1))
        for (k, x) in window.enumerated() { #expect(Swift.abs(x - power[3 + k]) < 1e-15) }
        #expect(FFT.length(atLeast: 1) == 1 && FFT.length(atLeast: 5) == 8 && FFT.length(atLeast: 1024) == 1024)
    }
}
