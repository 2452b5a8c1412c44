import Foundation
import Testing

@testable import Cortex

@Suite struct LayerNormalizationTests {
    /// Each row normalized with its own statistics, computed here in Double.
    func reference(_ x: Tensor, gamma: [Float], beta: [Float], epsilon: Double) -> Tensor {
        let features = gamma.count
        var out = [Float](repeating: 0, count: x.count)
        let v = x.scalars
        for r in 0..<(x.count / features) {
            let row = v[(r * features)..<((r + 1) * features)].map(Double.init)
            let mean = row.reduce(0, +) / Double(features)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(features)
            for j in 0..<features {
                out[r * features + j] = Float(
                    (row[j] - mean) / (variance + epsilon).squareRoot() * Double(gamma[j]) + Double(beta[j]))
            }
        }
        return Tensor(out, shape: x.shape)
    }

    @Test func forwardMatchesReference() throws {
        let layer = LayerNormalization(epsilon: 1e-3)
        let x = random([3, 4, 6], seed: 1, in: -3...3)
        try layer.build(inputShape: [4, 6])
        #expect(layer.gamma.value.scalars == [Float](repeating: 1, count: 6))
        #expect(layer.beta.value.scalars == [Float](repeating: 0, count: 6))
        layer.gamma.value = random([6], seed: 2, in: 0.5...1.5)
        layer.beta.value = random([6], seed: 3)
        expectClose(
            layer(x), reference(x, gamma: layer.gamma.value.scalars, beta: layer.beta.value.scalars, epsilon: 1e-3),
            tolerance: 1e-5)
        #expect(layer.parameters.map(\.name) == ["gamma", "beta"])
    }

    @Test func gradientsMatchFiniteDifferences() {
        checkGradients([random([5, 7], seed: 4, in: -2...2), random([7], seed: 5), random([7], seed: 6)], step: 1e-3) {
            layerNormalization($0[0], gamma: $0[1], beta: $0[2])
        }
    }

    /// Many rows (split over threads, gamma and beta gradients summed per thread) against the
    /// same function composed of primitive ops.
    @Test func largeInputMatchesComposedOps() {
        let inputs = [random([600, 64], seed: 7, in: -2...2), random([64], seed: 8), random([64], seed: 9)]
        func gradients(_ f: ([Tensor]) -> Tensor) -> [Tensor] {
            let parameters = inputs.map { Parameter($0) }
            let y = f(parameters.map(\.tensor))
            (y * random(y.shape, seed: 10)).sum().backward()
            return [y.detached] + parameters.map { $0.grad! }
        }
        let fused = gradients { layerNormalization($0[0], gamma: $0[1], beta: $0[2]) }
        let composed = gradients { v in
            let centered = v[0] - v[0].mean(alongAxes: [-1])
            return centered / sqrt(centered.squared().mean(alongAxes: [-1]) + 1e-3) * v[1] + v[2]
        }
        for (a, b) in zip(fused, composed) { expectClose(a, b, tolerance: 1e-4) }
    }

    @Test func refusesInputOfAnotherWidth() throws {
        let model = Sequential { LayerNormalization() }
        try model.build(inputShape: [5])
        #expect(throws: CortexError.self) { try model.build(inputShape: [6]) }
    }
}
