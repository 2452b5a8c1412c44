import Testing

@testable import Cortex

/// The finite-difference checker must fail on wrong gradients, or the op table proves nothing.
@Suite struct GradientCheckTests {
    /// `sigmoid` recorded with `derivative` (of the output `y`) as its backward pass.
    func recordedSigmoid(_ x: Tensor, derivative: @escaping (Float) -> Float) -> Tensor {
        let y = sigmoid(x.detached)
        return Tensor.recording(y, inputs: [x]) { g, _ in [g.zipped(with: y) { g, y in g * derivative(y) }] }
    }

    let x = uniform([3, 4], -3...3, seed: 1)

    @Test func correctGradientsPassWithRoomToSpare() {
        let outcome = GradientCheck.run({ recordedSigmoid($0[0]) { $0 * (1 - $0) } }, inputs: [x], differentiable: [0])
        #expect(outcome.failures.isEmpty, "\(outcome.failures)")
        #expect(outcome.worstRatio < 0.1)
    }

    @Test func aDerivativeOnePercentOffFails() {
        let outcome = GradientCheck.run(
            { recordedSigmoid($0[0]) { 1.01 * $0 * (1 - $0) } }, inputs: [x], differentiable: [0])
        #expect(outcome.failures.count == 1)
        #expect(outcome.worstRatio > 1)
    }

    @Test func missingAndMisshapedGradientsFail() {
        let dropped = GradientCheck.run({ $0[0].detached * 2 }, inputs: [x], differentiable: [0])
        #expect(dropped.failures == ["input 0 [3, 4]: no gradient reached it"])
        let misshaped = GradientCheck.run(
            { x in Tensor.recording(x[0].detached, inputs: [x[0]]) { g, _ in [g.reshaped([12])] } }, inputs: [x],
            differentiable: [0])
        #expect(misshaped.failures == ["input 0: gradient shape [12], expected [3, 4]"])
    }

    @Test func directionalDerivativesReachElementsThatAreNotSampled() {
        // 64 elements, 4 of them checked one by one: one wrong element is still found.
        let big = uniform([64], seed: 2)
        let wrongOne: ([Tensor]) -> Tensor = { x in
            Tensor.recording(x[0].detached * 3, inputs: [x[0]]) { g, _ in
                var gradient = (g * 3).scalars
                gradient[37] += 1
                return [Tensor(gradient)]
            }
        }
        let settings = GradientCheck.Settings(maxCoordinates: 4)
        let outcome = GradientCheck.run(wrongOne, inputs: [big], differentiable: [0], settings: settings)
        #expect(outcome.failures.contains { $0.contains("directional derivative") })
        let right = GradientCheck.run({ $0[0] * 3 }, inputs: [big], differentiable: [0], settings: settings)
        #expect(right.failures.isEmpty, "\(right.failures)")
    }

    @Test func fourthOrderStencilIsExactWhereTheSecondOrderOneIsNot() {
        // exp with a coarse step 2⁻⁴: truncation ~h²/6 = 7e-4 relative for the three-point
        // stencil, ~h⁴/30 = 5e-7 for the five-point one.
        let inputs = [uniform([8], seed: 3)]
        let tight = GradientCheck.Settings(step: 1.0 / 16, rtol: 1e-4, atol: 1e-5)
        var second = tight
        second.order = 2
        #expect(
            GradientCheck.run({ exp($0[0]) }, inputs: inputs, differentiable: [0], settings: tight).failures.isEmpty)
        #expect(
            !GradientCheck.run({ exp($0[0]) }, inputs: inputs, differentiable: [0], settings: second).failures.isEmpty)
    }

    @Test func snappedInputsMakeStepsExact() {
        let x = GradientCheck.snapped(uniform([100], -100...100, seed: 4))
        for v in x.scalars {
            for k: Float in [1, 2] {
                let step = k / 128
                #expect((v + step) - v == step && v - (v - step) == step)
            }
        }
        #expect(GradientCheck.multiIndex(23, [2, 3, 4]) == [1, 2, 3])
    }
}
