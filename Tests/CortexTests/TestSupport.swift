import Testing

@testable import Cortex

/// Checks shapes first, then every element within `tolerance` (absolute plus relative).
func expectClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == expected.shape, "shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    expectClose(actual.scalars, expected.scalars, tolerance: tolerance, sourceLocation: sourceLocation)
}

func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    var worst: (Int, Float, Float)? = nil
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        if !(Swift.abs(a - e) <= tolerance * (1 + Swift.abs(e))) {
            worst = (i, a, e)
            break
        }
    }
    #expect(worst == nil, "element \(worst!.0): \(worst!.1) vs expected \(worst!.2)", sourceLocation: sourceLocation)
}

/// Compares the gradients that autograd gives `f` at `inputs` (snapped to the checker's grid)
/// with finite differences, for compositions outside the op table (see ``GradientCheck``).
/// `tolerance` is the relative and absolute tolerance, `step` is rounded down to a power of two.
/// Returns the worst ratio of error to allowed error (below 1 when the check passed).
@discardableResult
func checkGradients(
    _ inputs: [Tensor], tolerance: Double = 2e-3, step: Float = 1.0 / 128, seed: UInt64 = GradientCheck.Settings().seed,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) -> Double {
    let power = Swift.max(Float(sign: .plus, exponent: step.exponent, significand: 1), GradientCheck.grid)
    let settings = GradientCheck.Settings(step: power, rtol: tolerance, atol: tolerance, seed: seed)
    let outcome = GradientCheck.run(
        f, inputs: inputs.map(GradientCheck.snapped), differentiable: Array(inputs.indices), settings: settings)
    for failure in outcome.failures { Issue.record("\(failure)", sourceLocation: sourceLocation) }
    return outcome.worstRatio
}

func random(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape, in: range, using: &rng)
}
