import Foundation
import Testing

@testable import Cortex

/// Runs `steps` updates of `optimizer` on one parameter with fixed gradients.
func optimize(_ optimizer: Optimizer, start: [Float], gradients: [[Float]]) -> [Float] {
    let p = Parameter(Tensor(start))
    for g in gradients {
        p.grad = Tensor(g)
        optimizer.step([p])
        #expect(p.grad == nil)
    }
    return p.value.scalars
}

@Suite struct OptimizerTests {
    let g1: [Float] = [0.5, -1], g2: [Float] = [0.25, 2]

    @Test func sgd() {
        expectClose(
            optimize(SGD(learningRate: 0.1), start: [1, 2], gradients: [g1, g2]), [1 - 0.05 - 0.025, 2 + 0.1 - 0.2])
        // Momentum 0.9: v1 = -0.1 g1; v2 = 0.9 v1 - 0.1 g2; p = p0 + v1 + v2
        let v1 = g1.map { -0.1 * $0 }, v2 = zip(v1, g2).map { 0.9 * $0 - 0.1 * $1 }
        expectClose(
            optimize(SGD(learningRate: 0.1, momentum: 0.9), start: [1, 2], gradients: [g1, g2]),
            [1 + v1[0] + v2[0], 2 + v1[1] + v2[1]])
        // Nesterov: p += 0.9 v - 0.1 g
        let n1 = zip(v1, g1).map { 0.9 * $0 - 0.1 * $1 }, n2 = zip(v2, g2).map { 0.9 * $0 - 0.1 * $1 }
        expectClose(
            optimize(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), start: [1, 2], gradients: [g1, g2]),
            [1 + n1[0] + n2[0], 2 + n1[1] + n2[1]])
    }

    /// Keras's Adam written out in Double.
    func referenceAdam(_ start: [Double], _ gradients: [[Float]], lr: Double, decay: Double = 0) -> [Float] {
        var p = start, m = [0.0, 0.0], v = [0.0, 0.0]
        for (t, g) in gradients.enumerated() {
            let alpha =
                lr * (1 - Foundation.pow(0.999, Double(t + 1))).squareRoot() / (1 - Foundation.pow(0.9, Double(t + 1)))
            for i in 0..<2 {
                p[i] -= lr * decay * p[i]
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.999 * v[i] + 0.001 * Double(g[i]) * Double(g[i])
                p[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
            }
        }
        return p.map(Float.init)
    }

    @Test func adamAndAdamW() {
        // The first Adam step moves each weight by about the learning rate against the gradient sign.
        expectClose(optimize(Adam(learningRate: 0.01), start: [1, 2], gradients: [g1]), [0.99, 2.01], tolerance: 1e-5)
        expectClose(
            optimize(Adam(learningRate: 0.01), start: [1, 2], gradients: [g1, g2, g1]),
            referenceAdam([1, 2], [g1, g2, g1], lr: 0.01))
        expectClose(
            optimize(AdamW(learningRate: 0.01, weightDecay: 0.1), start: [1, 2], gradients: [g1, g2]),
            referenceAdam([1, 2], [g1, g2], lr: 0.01, decay: 0.1))
    }

    @Test func rmsprop() {
        // v1 = 0.1 g^2; p -= 0.01 g / sqrt(v1 + eps)
        let expected = zip([Float(1), 2], g1).map { p, g in p - 0.01 * g / (0.1 * g * g + 1e-7).squareRoot() }
        expectClose(optimize(RMSprop(learningRate: 0.01), start: [1, 2], gradients: [g1]), expected)
    }

    @Test func clipNormRescalesEachGradient() {
        // |g| = sqrt(0.25 + 1); clipped to norm 0.5.
        let scale = 0.5 / (1.25 as Float).squareRoot()
        expectClose(
            optimize(SGD(learningRate: 1, clipNorm: 0.5), start: [0, 0], gradients: [g1]), [-0.5 * scale, scale])
        expectClose(optimize(SGD(learningRate: 1, clipNorm: 5), start: [0, 0], gradients: [g1]), [-0.5, 1])
    }

    @Test func vectorizedUpdatesEqualElementwiseOnes() {
        // 37 elements take the 8-lane path and a tail; one-element parameters take the scalar path.
        let makers: [() -> Optimizer] = [
            { SGD(learningRate: 0.1) }, { SGD(learningRate: 0.1, momentum: 0.9, nesterov: true) },
            { Adam(learningRate: 0.01) }, { AdamW(learningRate: 0.01) }, { RMSprop(learningRate: 0.01) },
        ]
        let start = random([37], seed: 1).scalars
        let gradients = (0..<3).map { random([37], seed: UInt64(2 + $0)).scalars }
        for make in makers {
            let whole = optimize(make(), start: start, gradients: gradients)
            let elementwise = (0..<37).flatMap { i in
                optimize(make(), start: [start[i]], gradients: gradients.map { [$0[i]] })
            }
            expectClose(whole, elementwise, tolerance: 1e-6)
        }
    }

    @Test func skipsFrozenParametersButClearsTheirGradients() {
        let frozen = Parameter(Tensor([1]), isTrainable: false)
        frozen.grad = Tensor([1])
        SGD(learningRate: 1).step([frozen])
        #expect(frozen.value.scalars == [1])
        #expect(frozen.grad == nil)
    }
}
