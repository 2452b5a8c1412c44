import Foundation
import Testing

@testable import Cortex

@Suite struct RDPAccountantTests {
    let reference = PrivacyReference.shared

    @Test func opacusAnchor() {
        var rdp = RDPAccountant()
        rdp.record(noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250)
        let (epsilon, order) = rdp.epsilonAndOrder(delta: 1e-5)
        #expect(Swift.abs(epsilon - 7.32911117143) < 1e-6, "\(epsilon)")
        #expect(relativelyClose(epsilon, reference.anchors.opacus_rdp.epsilon, 1e-9), "\(epsilon)")
        #expect(order == 3.9)
        #expect(rdp.epsilon(delta: 1e-5) == epsilon)
    }

    @Test func tensorFlowPrivacyAnchors() {
        for anchor in reference.anchors.tf_privacy {
            var rdp = RDPAccountant(orders: RDPAccountant.tfPrivacyOrders, convention: .dpAccounting)
            rdp.record(anchor.records)
            let (epsilon, order) = rdp.epsilonAndOrder(delta: anchor.delta)
            // TF Privacy's test asserts 7 decimal places; the published values are within 1e-12 of ours.
            #expect(relativelyClose(epsilon, anchor.published, 1e-9), "\(epsilon) vs \(anchor.published)")
            #expect(order == anchor.published_order)
        }
    }

    /// The same two TF Privacy cases through Opacus' orders and conversion: both optima are at
    /// integer orders, where the conventions agree.
    @Test func tensorFlowPrivacyAnchorsWithOpacusDefaults() {
        for anchor in reference.anchors.tf_privacy.prefix(2) {
            var rdp = RDPAccountant()
            rdp.record(anchor.records)
            #expect(relativelyClose(rdp.epsilon(delta: anchor.delta), anchor.published, 1e-9))
        }
    }

    @Test func perOrderRDPMatchesBothLibraries() {
        for entry in reference.per_order {
            for (convention, orders, expected) in [
                (RDPAccountant.Convention.opacus, entry.opacus_orders, entry.opacus),
                (.dpAccounting, entry.dp_accounting_orders, entry.dp_accounting),
            ] {
                var rdp = RDPAccountant(orders: orders, convention: convention)
                rdp.record(noiseMultiplier: entry.noise_multiplier, sampleRate: entry.sample_rate, steps: 1)
                // Where the RDP is tiny (σ 4, q 0.001: ~1e-8), log A_α ≈ 0 is a sum of O(1) terms, and
                // both libraries carry ~1e-16 absolute rounding noise in it.
                for (k, (actual, wanted)) in zip(rdp.rdp, expected).enumerated() {
                    #expect(
                        relativelyClose(actual, wanted, 1e-9) || Swift.abs(actual - wanted) < 1e-13,
                        "\(convention) σ \(entry.noise_multiplier) q \(entry.sample_rate) order \(orders[k]): \(actual) vs \(wanted)"
                    )
                }
            }
        }
    }

    @Test func gridMatchesOpacusDPAccountingAndTFPrivacyOrders() {
        var worst = 0.0
        for entry in reference.rdp_grid {
            let variants: [(RDPAccountant, PrivacyReference.EpsilonAndOrder)] = [
                (RDPAccountant(), entry.opacus),
                (
                    RDPAccountant(orders: RDPAccountant.dpAccountingOrders, convention: .dpAccounting),
                    entry.dp_accounting
                ),
                (
                    RDPAccountant(orders: RDPAccountant.tfPrivacyOrders, convention: .dpAccounting),
                    entry.tf_privacy_orders
                ),
            ]
            for (accountant, expected) in variants {
                var accountant = accountant
                accountant.record(entry.records)
                let (epsilon, order) = accountant.epsilonAndOrder(delta: entry.delta)
                worst = Swift.max(worst, Swift.abs(epsilon - expected.epsilon) / expected.epsilon)
                #expect(
                    relativelyClose(epsilon, expected.epsilon, 1e-6),
                    "\(accountant.convention) \(entry.records) δ \(entry.delta): \(epsilon) vs \(expected.epsilon)")
                #expect(
                    order == expected.order, "\(entry.records) δ \(entry.delta): order \(order) vs \(expected.order)")
            }
        }
        print("RDP grid: \(reference.rdp_grid.count * 3) cases, worst relative difference \(worst)")
    }

    @Test func stepByStepRecordingEqualsOneRecord() {
        var once = RDPAccountant(), stepwise = RDPAccountant()
        once.record(noiseMultiplier: 1.1, sampleRate: 0.02, steps: 300)
        for _ in 0..<300 { stepwise.record(noiseMultiplier: 1.1, sampleRate: 0.02, steps: 1) }
        #expect(stepwise.history == once.history)
        #expect(stepwise.steps == 300)
        #expect(stepwise.epsilon(delta: 1e-5) == once.epsilon(delta: 1e-5))
    }

    @Test func compositionIsAdditiveInRDP() {
        var a = RDPAccountant(), b = RDPAccountant(), both = RDPAccountant()
        a.record(noiseMultiplier: 1.0, sampleRate: 0.01, steps: 500)
        b.record(noiseMultiplier: 2.0, sampleRate: 0.05, steps: 300)
        both.record(noiseMultiplier: 1.0, sampleRate: 0.01, steps: 500)
        both.record(noiseMultiplier: 2.0, sampleRate: 0.05, steps: 300)
        for (x, (y, z)) in zip(both.rdp, zip(a.rdp, b.rdp)) { #expect(relativelyClose(x, y + z, 1e-14)) }
        #expect(both.history.count == 2)
    }

    @Test func edgeCases() {
        let empty = RDPAccountant()
        #expect(empty.epsilon(delta: 1e-5) == 0)
        var noNoise = RDPAccountant()
        noNoise.record(noiseMultiplier: 0, sampleRate: 0.1, steps: 1)
        #expect(noNoise.epsilon(delta: 1e-5) == .infinity)
        var notSampled = RDPAccountant()
        notSampled.record(noiseMultiplier: 0, sampleRate: 0, steps: 10)
        #expect(notSampled.rdp.allSatisfy { $0 == 0 })
        // Full batches: RDP of the plain Gaussian mechanism, α / (2σ²) per step.
        var full = RDPAccountant(orders: [2, 3.5, 10])
        full.record(noiseMultiplier: 2, sampleRate: 1, steps: 3)
        let expected: [Double] = [0.75, 1.3125, 3.75]  // 3 · α / 8
        #expect(full.rdp == expected)
        // More noise, less sampling, fewer steps: never a larger epsilon.
        func epsilon(_ sigma: Double, _ q: Double, _ steps: Int) -> Double {
            var rdp = RDPAccountant()
            rdp.record(noiseMultiplier: sigma, sampleRate: q, steps: steps)
            return rdp.epsilon(delta: 1e-5)
        }
        #expect(epsilon(1.2, 0.02, 1000) < epsilon(1.0, 0.02, 1000))
        #expect(epsilon(1.0, 0.01, 1000) < epsilon(1.0, 0.02, 1000))
        #expect(epsilon(1.0, 0.02, 500) < epsilon(1.0, 0.02, 1000))
    }

    @Test func logErfcIsAccurateInTheFarTail() {
        // Values from mpmath at 50 digits: log(erfc(x)).
        let cases: [(Double, Double)] = [
            (-3, 0.69313613525044681), (0, 0), (1, -1.8496055099332482), (5, -27.200889545537434),
            (19.5, -383.7940900381005), (20.5, -423.84397607879116), (40, -1604.2615566532736),
            (300, -90006.276152973059),
        ]
        for (x, expected) in cases {
            let actual = PrivacyMath.logErfc(x)
            #expect(Swift.abs(actual - expected) <= 1e-12 * Swift.max(1, Swift.abs(expected)), "x \(x): \(actual)")
        }
        #expect(PrivacyMath.logErfc(.infinity) == -.infinity)
    }
}
