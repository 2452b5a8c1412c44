import Foundation
import Testing

import Cortex  // not @testable: the privacy surface as users see it (API.md, "Surface for the next capabilities")

@Suite struct PrivacyAPITests {
    @Test func accountantsAndSettingsAsWrittenInTheContract() throws {
        let dp = DifferentialPrivacy(noiseMultiplier: 1.0, l2NormClip: 1.0, delta: 1e-5)  // Poisson sampling
        #expect(dp.sampling == .poisson)
        var rdp = RDPAccountant()  // Opacus' default orders; RDPAccountant(orders: [...]) for others
        rdp.record(noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250)
        #expect(Swift.abs(rdp.epsilon(delta: 1e-5) - 7.32911117143) < 1e-6)
        var custom = RDPAccountant(orders: [2, 4, 8, 16, 32])
        custom.record(noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250)
        #expect(custom.epsilon(delta: 1e-5) >= rdp.epsilon(delta: 1e-5))  // fewer orders, never a better bound here
        var pld = PLDAccountant()  // the tighter numerical accountant, same methods
        pld.record(noiseMultiplier: 1.0, sampleRate: 0.1, steps: 20)
        #expect(pld.epsilon(delta: 1e-5) > 0 && pld.steps == 20)
        let sigma = try DifferentialPrivacy.noiseMultiplier(
            targetEpsilon: 3, delta: 1e-5, sampleRate: 64.0 / 4000, steps: 625)
        #expect(Swift.abs(sigma - 0.96435546875) < 1e-9)
        let accountants: [any PrivacyAccountant] = [
            DifferentialPrivacy.Accountant.rdp.make(), DifferentialPrivacy.Accountant.pld.make(),
        ]
        #expect(accountants.allSatisfy { $0.epsilon(delta: 1e-5) == 0 })
        var noise: any GaussianNoiseSource = SeededGaussianNoise(seed: 1)
        var buffer = [Float](repeating: 0, count: 16)
        noise.fill(&buffer, standardDeviation: Float(dp.noiseStandardDeviation))
        #expect(buffer.contains { $0 != 0 })
    }
}
