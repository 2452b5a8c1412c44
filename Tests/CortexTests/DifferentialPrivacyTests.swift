import Foundation
import Testing

@testable import Cortex

@Suite struct DifferentialPrivacyTests {
    let reference = PrivacyReference.shared

    func expectError(
        _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected an error mentioning \(fragment)", sourceLocation: sourceLocation)
        } catch let error as CortexError {
            #expect(error.kind == .invalidArgument, sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func defaultsAreDocumented() throws {
        let dp = DifferentialPrivacy(noiseMultiplier: 1.0, l2NormClip: 1.0, delta: 1e-5)
        #expect(dp.sampling == .poisson && dp.accountant == .rdp && dp.noiseSource == .modelGenerator)
        #expect(dp.noiseStandardDeviation == 1)
        try dp.validate(batchSize: 64, datasetSize: 4000)
        #expect(try dp.sampleRate(batchSize: 64, datasetSize: 4000) == 0.016)
        #expect(DifferentialPrivacy.stepsPerEpoch(batchSize: 64, datasetSize: 4000) == 63)
        #expect(DifferentialPrivacy.stepsPerEpoch(batchSize: 50, datasetSize: 4000) == 80)
    }

    @Test func invalidSettingsThrowNamingTheSetting() {
        expectError("noiseMultiplier must be a finite number > 0, got 0.0 (without noise") {
            try DifferentialPrivacy(noiseMultiplier: 0, l2NormClip: 1, delta: 1e-5).validate()
        }
        expectError("noiseMultiplier must be a finite number > 0, got nan") {
            try DifferentialPrivacy(noiseMultiplier: .nan, l2NormClip: 1, delta: 1e-5).validate()
        }
        expectError("l2NormClip must be a finite number > 0, got -1.0") {
            try DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: -1, delta: 1e-5).validate()
        }
        expectError("delta must be in (0, 1), got 0.0") {
            try DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: 1, delta: 0).validate()
        }
        let dp = DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: 1, delta: 1e-5)
        expectError("batchSize must be in 1...4000") { try dp.validate(batchSize: 5000, datasetSize: 4000) }
        expectError("batchSize must be in 1...4000 (the number of training examples), got 0") {
            try dp.validate(batchSize: 0, datasetSize: 4000)
        }
        expectError("at least one training example") { try dp.validate(batchSize: 1, datasetSize: 0) }
        expectError("delta 0.001 must be below 1/n = 0.00025 for n = 4000") {
            try DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: 1, delta: 1e-3).validate(
                batchSize: 64, datasetSize: 4000)
        }
        expectError("epochs must be >= 0") { _ = try dp.epsilon(epochs: -1, batchSize: 64, datasetSize: 4000) }
    }

    @Test func epsilonForEpochsFollowsTheSamplingScheme() throws {
        let poisson = DifferentialPrivacy(noiseMultiplier: 1.0, l2NormClip: 1.0, delta: 1e-5)
        var rdp = RDPAccountant()
        rdp.record(noiseMultiplier: 1.0, sampleRate: 0.016, steps: 630)
        #expect(try poisson.epsilon(epochs: 10, batchSize: 64, datasetSize: 4000) == rdp.epsilon(delta: 1e-5))
        #expect(try poisson.epsilon(epochs: 0, batchSize: 64, datasetSize: 4000) == 0)
        // Shuffled batches: one full-data Gaussian mechanism per epoch, far more ε than Poisson.
        var shuffled = poisson
        shuffled.sampling = .shuffled
        var full = RDPAccountant()
        full.record(noiseMultiplier: 1.0, sampleRate: 1, steps: 10)
        let shuffledEpsilon = try shuffled.epsilon(epochs: 10, batchSize: 64, datasetSize: 4000)
        #expect(shuffledEpsilon == full.epsilon(delta: 1e-5))
        #expect(shuffledEpsilon > 5 * (try poisson.epsilon(epochs: 10, batchSize: 64, datasetSize: 4000)))
        #expect(try shuffled.sampleRate(batchSize: 64, datasetSize: 4000) == 1)
        // PLD: tighter than RDP on the same schedule.
        var pld = poisson
        pld.accountant = .pld
        #expect(
            try pld.epsilon(epochs: 2, batchSize: 400, datasetSize: 4000)
                < (try poisson.epsilon(epochs: 2, batchSize: 400, datasetSize: 4000)))
    }

    /// TF Privacy's `compute_dp_sgd_privacy_statement` example: 13.376 once per epoch, 1.616 with Poisson sampling.
    @Test func tensorFlowPrivacyStatementNumbers() {
        for entry in reference.statement {
            var dpAccounting = RDPAccountant(orders: RDPAccountant.dpAccountingOrders, convention: .dpAccounting)
            dpAccounting.record(entry.records)
            let epsilon = dpAccounting.epsilon(delta: entry.delta)
            #expect(relativelyClose(epsilon, entry.dp_accounting.epsilon, 1e-9), "\(entry.name): \(epsilon)")
            #expect(Swift.abs(epsilon - entry.published) < 5e-4, "\(entry.name): \(epsilon) vs \(entry.published)")
            var opacus = RDPAccountant()
            opacus.record(entry.records)
            #expect(relativelyClose(opacus.epsilon(delta: entry.delta), entry.opacus.epsilon, 1e-9))
        }
        // The shuffled line is what `sampling: .shuffled` records: 5 epochs, σ 1, δ 1e-6.
        var dp = DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: 1, delta: 1e-6, sampling: .shuffled)
        dp.accountant = .rdp
        let shuffled = reference.statement.first { $0.name == "shuffled" }!
        #expect(
            relativelyClose(
                try! dp.epsilon(epochs: 5, batchSize: 64, datasetSize: 10000), shuffled.opacus.epsilon, 1e-12))
    }

    @Test func noiseMultiplierMatchesOpacus() throws {
        for entry in reference.inverse {
            let sigma = try DifferentialPrivacy.noiseMultiplier(
                targetEpsilon: entry.target_epsilon, delta: entry.delta, sampleRate: entry.sample_rate,
                steps: entry.steps)
            #expect(
                relativelyClose(sigma, entry.noise_multiplier, 1e-12), "\(sigma) vs Opacus \(entry.noise_multiplier)")
            var rdp = RDPAccountant()
            rdp.record(noiseMultiplier: sigma, sampleRate: entry.sample_rate, steps: entry.steps)
            let epsilon = rdp.epsilon(delta: entry.delta)
            #expect(epsilon <= entry.target_epsilon && epsilon > entry.target_epsilon - 0.01, "ε \(epsilon)")
        }
    }

    @Test func noiseMultiplierContractWithTighterToleranceAndPLD() throws {
        let sigma = try DifferentialPrivacy.noiseMultiplier(
            targetEpsilon: 3, delta: 1e-5, sampleRate: 0.016, steps: 625, epsilonTolerance: 1e-6)
        var rdp = RDPAccountant()
        rdp.record(noiseMultiplier: sigma, sampleRate: 0.016, steps: 625)
        #expect(rdp.epsilon(delta: 1e-5) <= 3 && rdp.epsilon(delta: 1e-5) > 3 - 1e-6)
        // PLD measures less ε, so it needs less noise for the same budget.
        let pldSigma = try DifferentialPrivacy.noiseMultiplier(
            targetEpsilon: 2, delta: 1e-5, sampleRate: 0.1, steps: 50, accountant: .pld)
        var pld = PLDAccountant()
        pld.record(noiseMultiplier: pldSigma, sampleRate: 0.1, steps: 50)
        let epsilon = pld.epsilon(delta: 1e-5)
        #expect(epsilon <= 2 && epsilon > 2 - 0.01, "PLD ε \(epsilon) at σ \(pldSigma)")
        let rdpSigma = try DifferentialPrivacy.noiseMultiplier(
            targetEpsilon: 2, delta: 1e-5, sampleRate: 0.1, steps: 50)
        #expect(pldSigma < rdpSigma)
    }

    @Test func noiseMultiplierRefusesBadArgumentsAndUnreachableBudgets() {
        expectError("targetEpsilon must be finite and > 0, got 0.0") {
            _ = try DifferentialPrivacy.noiseMultiplier(targetEpsilon: 0, delta: 1e-5, sampleRate: 0.01, steps: 10)
        }
        expectError("sampleRate must be in (0, 1], got 1.5") {
            _ = try DifferentialPrivacy.noiseMultiplier(targetEpsilon: 1, delta: 1e-5, sampleRate: 1.5, steps: 10)
        }
        expectError("steps must be >= 1, got 0") {
            _ = try DifferentialPrivacy.noiseMultiplier(targetEpsilon: 1, delta: 1e-5, sampleRate: 0.5, steps: 0)
        }
        expectError("delta must be in (0, 1), got 1.0") {
            _ = try DifferentialPrivacy.noiseMultiplier(targetEpsilon: 1, delta: 1, sampleRate: 0.5, steps: 1)
        }
        expectError("is out of reach") {
            _ = try DifferentialPrivacy.noiseMultiplier(targetEpsilon: 1e-9, delta: 1e-5, sampleRate: 1, steps: 1000)
        }
    }

    @Test func noiseSources() throws {
        var model = RandomGenerator(seed: 11)
        let before = model
        var forked = try DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: 1, delta: 1e-5)
            .makeNoiseSource(modelGenerator: &model)
        var expectedModel = before
        let childSeed = expectedModel.next()
        #expect(model == expectedModel)  // advanced by exactly one word
        var a = [Float](repeating: 0, count: 8), b = a
        forked.fill(&a, standardDeviation: 1)
        var expected = SeededGaussianNoise(seed: childSeed)
        expected.fill(&b, standardDeviation: 1)
        #expect(a == b)

        let untouched = model
        var seeded = try DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: 1, delta: 1e-5, noiseSource: .seed(3))
            .makeNoiseSource(modelGenerator: &model)
        #expect(model == untouched)
        seeded.fill(&a, standardDeviation: 1)
        var three = SeededGaussianNoise(seed: 3)
        three.fill(&b, standardDeviation: 1)
        #expect(a == b)

        let secure = try DifferentialPrivacy(noiseMultiplier: 1, l2NormClip: 1, delta: 1e-5, noiseSource: .secure)
            .makeNoiseSource(modelGenerator: &model)
        #expect(secure is SecureGaussianNoise && model == untouched)
    }

    @Test func settingsRoundTripThroughCodable() throws {
        let dp = DifferentialPrivacy(
            noiseMultiplier: 1.1, l2NormClip: 0.5, delta: 1e-6, sampling: .shuffled, accountant: .pld,
            noiseSource: .seed(42))
        let decoded = try JSONDecoder().decode(DifferentialPrivacy.self, from: JSONEncoder().encode(dp))
        #expect(decoded == dp)
    }
}
