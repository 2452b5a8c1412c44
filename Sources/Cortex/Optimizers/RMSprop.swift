/// RMSprop as Keras computes it (epsilon inside the square root):
///
///     v = rho * v + (1 - rho) * g^2
///     p -= learningRate * g / sqrt(v + epsilon)
///
/// With `momentum > 0`: `buffer = momentum * buffer + learningRate * g / sqrt(v + epsilon)`, `p -= buffer`.
/// Defaults as Keras: learning rate 0.001, rho 0.9, momentum 0, epsilon 1e-7.
public final class RMSprop: Optimizer {
    public let rho: Float
    public let momentum: Float
    public let epsilon: Float

    public init(
        learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
        clipNorm: Float? = nil,
        schedule: (any LearningRateSchedule)? = nil
    ) {
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        super.init(learningRate: learningRate, clipNorm: clipNorm, schedule: schedule)
    }

    public override var stateCount: Int { momentum > 0 ? 2 : 1 }

    public override func update(_ parameter: Parameter, gradient: Tensor, state: inout [Tensor]) {
        withBuffers(parameter, gradient, &state) { p, g, v, buffer in
            OptimizerKernel.rmsprop(
                p.baseAddress!, v: v!, momentum: buffer, gradient: g.baseAddress!, count: p.count,
                learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon)
        }
    }
}
