import Foundation

@testable import Cortex

/// Reference values from Opacus 1.6.0 and dp-accounting 0.6.0
/// (`Tests/CortexTests/Fixtures/privacy_reference.py` writes them).
struct PrivacyReference: Decodable {
    struct EpsilonAndOrder: Decodable {
        let epsilon: Double, order: Double
    }
    struct Anchor: Decodable {
        let records: [[Double]], delta: Double, published: Double
        let epsilon: Double
        let order: Double?
        let published_order: Double?
    }
    struct Anchors: Decodable {
        let opacus_rdp: Anchor, tf_privacy: [Anchor], pld: Anchor, prv: Anchor
    }
    struct PerOrder: Decodable {
        let noise_multiplier: Double, sample_rate: Double
        let opacus_orders: [Double], opacus: [Double]
        let dp_accounting_orders: [Double], dp_accounting: [Double]
    }
    struct RDPCase: Decodable {
        let records: [[Double]], delta: Double
        let opacus: EpsilonAndOrder, dp_accounting: EpsilonAndOrder, tf_privacy_orders: EpsilonAndOrder
    }
    struct PLDCase: Decodable {
        let records: [[Double]], delta: Double, pld: Double, prv: Double
    }
    struct Inverse: Decodable {
        let target_epsilon: Double, delta: Double, sample_rate: Double, steps: Int
        let noise_multiplier: Double, epsilon_at_result: Double
    }
    struct Statement: Decodable {
        let name: String, records: [[Double]], delta: Double, published: Double
        let dp_accounting: EpsilonAndOrder, opacus: EpsilonAndOrder
    }
    let anchors: Anchors
    let statement: [Statement]
    let per_order: [PerOrder]
    let rdp_grid: [RDPCase]
    let pld_grid: [PLDCase]
    let inverse: [Inverse]

    static let shared: PrivacyReference = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let url = repositoryRoot.appendingPathComponent("Tests/CortexTests/Fixtures/privacy_reference.json")
        return try! decoder.decode(PrivacyReference.self, from: Data(contentsOf: url))
    }()
}

extension PrivacyAccountant {
    /// Records `[noiseMultiplier, sampleRate, steps]` triples in order.
    mutating func record(_ records: [[Double]]) {
        for r in records { record(noiseMultiplier: r[0], sampleRate: r[1], steps: Int(r[2])) }
    }
}

/// `|actual - expected| <= tolerance · |expected|`.
func relativelyClose(_ actual: Double, _ expected: Double, _ tolerance: Double) -> Bool {
    if actual == expected { return true }
    return Swift.abs(actual - expected) <= tolerance * Swift.abs(expected)
}
