/// The base of Cortex's optimizers: a per-parameter update over explicit state.
///
/// ``step(_:)`` applies one update to every trainable parameter that has a gradient, then
/// clears the gradients. Subclasses implement ``update(_:gradient:state:)``.
open class Optimizer {
    /// The step size. A ``LearningRateSchedule`` given at creation overrides it per step.
    public var learningRate: Float
    /// When set, gives the learning rate of every step (overriding ``learningRate``).
    public var schedule: (any LearningRateSchedule)?
    /// When set, each parameter's gradient is rescaled so its L2 norm is at most this (Keras's `clipnorm`).
    public var clipNorm: Float?
    /// How many steps have been applied.
    public var iterations: Int = 0
    /// Per-parameter state (moments, velocities), keyed by parameter identity.
    var states: [ObjectIdentifier: [Tensor]] = [:]

    public init(learningRate: Float, clipNorm: Float? = nil, schedule: (any LearningRateSchedule)? = nil) {
        check(learningRate >= 0, "learning rate must be non-negative, got \(learningRate)")
        if let clipNorm { check(clipNorm > 0, "clipNorm must be positive, got \(clipNorm)") }
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        self.schedule = schedule
    }

    /// How many state tensors (each the parameter's shape) the update keeps per parameter.
    open var stateCount: Int { 0 }

    /// Updates every trainable parameter with a gradient, then clears all gradients.
    public func step(_ parameters: [Parameter]) {
        if let schedule { learningRate = schedule.learningRate(at: iterations) }
        iterations += 1
        for parameter in parameters {
            guard let gradient = parameter.grad else { continue }
            parameter.grad = nil
            guard parameter.isTrainable else { continue }
            let key = ObjectIdentifier(parameter)
            var state =
                states.removeValue(forKey: key)
                ?? Array(repeating: Tensor(zeros: parameter.shape), count: stateCount)
            update(parameter, gradient: clipped(gradient), state: &state)
            states[key] = state
        }
    }

    /// Applies one update to `parameter`. `state` holds ``stateCount`` tensors, zero at first.
    open func update(_ parameter: Parameter, gradient: Tensor, state: inout [Tensor]) {
        programmingError("\(type(of: self)) must override update(_:gradient:state:)")
    }

    /// The state of `parameter`, for inspection and checkpoints.
    public func state(for parameter: Parameter) -> [Tensor]? { states[ObjectIdentifier(parameter)] }

    private func clipped(_ gradient: Tensor) -> Tensor {
        guard let clipNorm else { return gradient }
        let norm = gradient.withUnsafeBufferPointer { g in g.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot()
        guard norm > Double(clipNorm) else { return gradient }
        let scale = Float(Double(clipNorm) / norm)
        return gradient.mapped { $0 * scale }
    }
}

/// Runs `body` over a parameter's elements, its gradient and up to two state buffers.
@inline(__always)
func withBuffers(
    _ parameter: Parameter, _ gradient: Tensor, _ state: inout [Tensor],
    _ body: (
        UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeMutablePointer<Float>?,
        UnsafeMutablePointer<Float>?
    ) -> Void
) {
    var first = state.count > 0 ? state[0] : Tensor(zeros: [])
    var second = state.count > 1 ? state[1] : Tensor(zeros: [])
    if state.count > 0 { state[0] = Tensor(zeros: []) }  // drop the extra reference: mutate in place
    if state.count > 1 { state[1] = Tensor(zeros: []) }
    parameter.updateInPlace { p in
        gradient.withUnsafeBufferPointer { g in
            first.withUnsafeMutableBufferPointer { s0 in
                second.withUnsafeMutableBufferPointer { s1 in
                    body(p, g, state.count > 0 ? s0.baseAddress : nil, state.count > 1 ? s1.baseAddress : nil)
                }
            }
        }
    }
    if state.count > 0 { state[0] = first }
    if state.count > 1 { state[1] = second }
}
