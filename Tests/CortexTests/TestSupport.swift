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

/// Compares the gradients that autograd gives `f` at `inputs` with central finite differences.
///
/// The output is reduced to a scalar by a fixed random projection, so every output element
/// contributes; sums are taken in Double. Returns the worst relative error over the inputs.
@discardableResult
func checkGradients(
    _ inputs: [Tensor], tolerance: Double = 1e-2, step: Float = 1e-2, seed: UInt64 = 7,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Tensor]) -> Tensor
) -> Double {
    let parameters = inputs.map { Parameter($0) }
    let output = f(parameters.map(\.tensor))
    var rng = RandomGenerator(seed: seed)
    let projection = Tensor.randomUniform(output.shape, in: -1...1, using: &rng)
    (output * projection).sum().backward()

    func objective(_ values: [Tensor]) -> Double {
        let y = withoutGradients { f(values) }
        return zip(y.scalars, projection.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    var worst = 0.0
    for (index, parameter) in parameters.enumerated() {
        let analytic = parameter.grad?.scalars ?? [Float](repeating: 0, count: parameter.value.count)
        var numeric = [Double](repeating: 0, count: analytic.count)
        for i in 0..<analytic.count {
            var values = inputs
            var plus = inputs[index].scalars, minus = plus
            plus[i] += step
            minus[i] -= step
            values[index] = Tensor(plus, shape: inputs[index].shape)
            let up = objective(values)
            values[index] = Tensor(minus, shape: inputs[index].shape)
            numeric[i] = (up - objective(values)) / (2 * Double(step))
        }
        var difference = 0.0, scale = 0.0
        for (a, n) in zip(analytic, numeric) {
            difference += (Double(a) - n) * (Double(a) - n)
            scale += Double(a) * Double(a) + n * n
        }
        let relative = difference.squareRoot() / max(scale.squareRoot(), 1e-6)
        #expect(
            relative < tolerance, "input \(index): relative gradient error \(relative)", sourceLocation: sourceLocation)
        worst = max(worst, relative)
    }
    return worst
}

func random(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape, in: range, using: &rng)
}
