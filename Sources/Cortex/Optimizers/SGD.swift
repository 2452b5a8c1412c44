/// Stochastic gradient descent with optional momentum and Nesterov momentum, following Keras:
///
///     velocity = momentum * velocity - learningRate * g
///     p += velocity                                  (plain momentum)
///     p += momentum * velocity - learningRate * g    (Nesterov)
///
/// Without momentum: `p -= learningRate * g`.
public final class SGD: Optimizer {
    public let momentum: Float
    public let nesterov: Bool

    public init(
        learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, clipNorm: Float? = nil,
        schedule: (any LearningRateSchedule)? = nil
    ) {
        check(momentum >= 0 && momentum < 1, "SGD: momentum must be in [0, 1), got \(momentum)")
        self.momentum = momentum
        self.nesterov = nesterov
        super.init(learningRate: learningRate, clipNorm: clipNorm, schedule: schedule)
    }

    public override var stateCount: Int { momentum > 0 ? 1 : 0 }

    public override func update(_ parameter: Parameter, gradient: Tensor, state: inout [Tensor]) {
        withBuffers(parameter, gradient, &state) { p, g, v, _ in
            OptimizerKernel.sgd(
                p.baseAddress!, velocity: v, gradient: g.baseAddress!, count: p.count, learningRate: learningRate,
                momentum: momentum, nesterov: nesterov)
        }
    }
}
