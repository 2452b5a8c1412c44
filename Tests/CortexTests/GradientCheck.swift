import Testing

@testable import Cortex

/// Finite-difference gradient checking, shared by the op table and `checkGradients`.
///
/// The output is reduced to a scalar by a fixed random projection `sum(output * r)` (every output
/// element contributes), evaluated in Double from the op's Float results. Derivatives use the
/// fourth-order central stencil `(8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h`: its
/// truncation error is O(h⁴), so a step large enough to keep Float rounding small (2⁻⁷) is still
/// exact to ~1e-9. Inputs are snapped to multiples of 2⁻¹² and steps are powers of two, so
/// `x ± h` and `x ± 2h` are exact in Float and the step in the formula is the step taken.
enum GradientCheck {
    /// The grid inputs are snapped to (2⁻¹²).
    static let grid: Float = 1.0 / 4096

    /// How a gradient is checked.
    struct Settings: Sendable {
        /// The finite-difference step: a power of two, at least ``GradientCheck/grid``.
        var step: Float = 1.0 / 128
        /// The stencil's order: 4 (five points, the default) or 2 (three points).
        var order = 4
        /// Relative tolerance, per element: `|analytic - numeric| <= atol * scale + rtol * |numeric|`.
        var rtol = 2e-3
        /// Absolute tolerance as a fraction of `scale`, the largest gradient element of that input
        /// (gradients of different ops differ in size by orders of magnitude).
        var atol = 2e-3
        /// Inputs with more elements are checked on this many random coordinates plus two random
        /// directional derivatives that involve every element.
        var maxCoordinates = 1024
        /// The step of the directional derivatives, which move every element at once: smaller
        /// than `step` for ops with kinks, so that the sum of the moves stays clear of them.
        var directionalStep: Float? = nil
        /// Seed of the projection and of the coordinate and direction choice; far from the small
        /// seeds inputs are drawn with, so the projection is never a copy of an input.
        var seed: UInt64 = 0x5EED_0F_0B_1EC7

        init(
            step: Float = 1.0 / 128, order: Int = 4, rtol: Double = 2e-3, atol: Double = 2e-3,
            maxCoordinates: Int = 1024, directionalStep: Float? = nil, seed: UInt64 = 0x5EED_0F_0B_1EC7
        ) {
            (self.step, self.order, self.rtol, self.atol) = (step, order, rtol, atol)
            (self.maxCoordinates, self.directionalStep, self.seed) = (maxCoordinates, directionalStep, seed)
        }
    }

    /// What one check found.
    struct Outcome {
        /// The op's output on the tracked inputs.
        var output: Tensor
        /// The gradient `backward` gave each input (nil for inputs not differentiated, or when
        /// no gradient reached one).
        var gradients: [Tensor?]
        /// One line per disagreement (empty when the check passed).
        var failures: [String]
        /// The largest `error / allowed error` over the checked elements and directions
        /// (below 1 when the check passed): how close the gradient came to failing.
        var worstRatio: Double
    }

    /// `tensor` with every element rounded to a multiple of ``grid``.
    static func snapped(_ tensor: Tensor) -> Tensor {
        Tensor(tensor.scalars.map { ($0 / grid).rounded() * grid }, shape: tensor.shape)
    }

    /// Compares the gradients that `backward()` gives `f` with respect to the inputs at
    /// `differentiable` with finite differences. Inputs should already be snapped.
    static func run(
        _ f: ([Tensor]) -> Tensor, inputs: [Tensor], differentiable: [Int], settings: Settings = Settings()
    ) -> Outcome {
        let h = settings.step
        precondition(
            h >= grid && h.significandBitPattern == 0 && (settings.order == 2 || settings.order == 4),
            "GradientCheck: step \(h) must be a power of two >= 2^-12, order 2 or 4")
        if let d = settings.directionalStep {
            // x ± 2d stays exact for |x| < 2^22 * d (24-bit significands, x on the 2^-12 grid).
            precondition(d.significandBitPattern == 0 && d >= 1.0 / 65536, "GradientCheck: directional step \(d)")
        }
        var failures: [String] = []
        var worstRatio = 0.0
        let parameters = inputs.indices.map { differentiable.contains($0) ? Parameter(inputs[$0]) : nil }
        let output = f(inputs.indices.map { parameters[$0]?.tensor ?? inputs[$0] })
        if !output.scalars.allSatisfy(\.isFinite) { failures.append("the output is not finite: \(output)") }
        var rng = RandomGenerator(seed: settings.seed)
        let projection = Tensor.randomUniform(output.shape, in: -1...1, using: &rng)
        let r = projection.scalars.map(Double.init)
        if output.isTracked { output.backward(seed: projection) }
        let gradients = parameters.map { $0?.grad }

        func objective(_ values: [Tensor]) -> Double {
            let y = withoutGradients { f(values) }
            var total = 0.0
            for (v, w) in zip(y.scalars, r) { total += Double(v) * w }
            return total
        }
        /// The derivative of the objective along `direction` (one coordinate or a ±1 vector).
        func derivative(input: Int, step h: Float = h, _ perturb: (inout [Float], Float) -> Void) -> Double {
            var values = inputs
            func at(_ k: Float) -> Double {
                var scalars = inputs[input].scalars
                perturb(&scalars, k * h)
                values[input] = Tensor(scalars, shape: inputs[input].shape)
                return objective(values)
            }
            let first = at(1) - at(-1)
            if settings.order == 2 { return first / (2 * Double(h)) }
            return (8 * first - (at(2) - at(-2))) / (12 * Double(h))
        }

        for index in differentiable {
            let x = inputs[index]
            guard let gradient = gradients[index] else {
                failures.append("input \(index) \(x.shape): no gradient reached it")
                continue
            }
            guard gradient.shape == x.shape else {
                failures.append("input \(index): gradient shape \(gradient.shape), expected \(x.shape)")
                continue
            }
            let analytic = gradient.scalars
            if !analytic.allSatisfy(\.isFinite) { failures.append("input \(index): the gradient is not finite") }
            var coordinates = Array(0..<x.count)
            let sampled = x.count > settings.maxCoordinates
            if sampled {
                rng.shuffle(&coordinates)
                coordinates = coordinates.prefix(settings.maxCoordinates).sorted()
            }
            let numeric = coordinates.map { i in derivative(input: index) { $0[i] += $1 } }
            let scale = zip(coordinates, numeric).reduce(0.0) {
                Swift.max($0, Swift.abs(Double(analytic[$1.0])), Swift.abs($1.1))
            }
            var bad = 0, worst: (ratio: Double, element: Int, numeric: Double)? = nil
            for (i, n) in zip(coordinates, numeric) {
                let error = Swift.abs(Double(analytic[i]) - n)
                let bound = settings.atol * scale + settings.rtol * Swift.abs(n)
                worstRatio = Swift.max(worstRatio, error / Swift.max(bound, .leastNonzeroMagnitude))
                if error > bound {
                    bad += 1
                    let ratio = error / Swift.max(bound, .leastNonzeroMagnitude)
                    if ratio > (worst?.ratio ?? 0) { worst = (ratio, i, n) }
                }
            }
            if let worst {
                failures.append(
                    "input \(index) \(x.shape): \(bad) of \(coordinates.count) elements differ; worst at "
                        + "\(multiIndex(worst.element, x.shape)): analytic \(analytic[worst.element]), "
                        + "numeric \(Float(worst.numeric)) (scale \(Float(scale)))")
            }
            if sampled {
                // Every element takes part in a directional derivative along a random ±1 vector.
                for _ in 0..<2 {
                    let signs = (0..<x.count).map { _ in rng.nextUnitFloat() < 0.5 ? Float(-1) : 1 }
                    let n = derivative(input: index, step: settings.directionalStep ?? h) { scalars, step in
                        for i in scalars.indices { scalars[i] += signs[i] * step }
                    }
                    var a = 0.0, size = 0.0
                    for (g, s) in zip(analytic, signs) {
                        a += Double(g) * Double(s)
                        size += Swift.abs(Double(g))
                    }
                    let bound = settings.atol * size + settings.rtol * Swift.abs(n)
                    worstRatio = Swift.max(worstRatio, Swift.abs(a - n) / Swift.max(bound, .leastNonzeroMagnitude))
                    if Swift.abs(a - n) > bound {
                        failures.append(
                            "input \(index) \(x.shape): directional derivative \(Float(a)) by backward(), "
                                + "\(Float(n)) numerically")
                    }
                }
            }
        }
        return Outcome(output: output, gradients: gradients, failures: failures, worstRatio: worstRatio)
    }

    /// The multi-index of flat position `offset` in `shape`, for messages.
    static func multiIndex(_ offset: Int, _ shape: [Int]) -> [Int] {
        var rest = offset
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
