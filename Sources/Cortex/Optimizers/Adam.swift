import Foundation

/// Adam, with Keras's update (epsilon added to sqrt(v), bias correction folded into the step):
///
///     m = beta1 * m + (1 - beta1) * g
///     v = beta2 * v + (1 - beta2) * g^2
///     alpha = learningRate * sqrt(1 - beta2^t) / (1 - beta1^t)
///     p -= alpha * m / (sqrt(v) + epsilon)
///
/// Defaults as Keras: learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.
public class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float

    public init(
        learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        clipNorm: Float? = nil,
        schedule: (any LearningRateSchedule)? = nil
    ) {
        check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam: betas must be in [0, 1)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        super.init(learningRate: learningRate, clipNorm: clipNorm, schedule: schedule)
    }

    public override var stateCount: Int { 2 }

    public override func update(_ parameter: Parameter, gradient: Tensor, state: inout [Tensor]) {
        let t = Double(iterations)
        let alpha = Float(
            Double(learningRate) * (1 - Foundation.pow(Double(beta2), t)).squareRoot()
                / (1 - Foundation.pow(Double(beta1), t)))
        withBuffers(parameter, gradient, &state) { p, g, m, v in
            OptimizerKernel.adam(
                p.baseAddress!, m: m!, v: v!, gradient: g.baseAddress!, count: p.count, alpha: alpha, beta1: beta1,
                beta2: beta2, epsilon: epsilon)
        }
    }
}

/// Adam with decoupled weight decay (Loshchilov & Hutter), as Keras applies it: before the Adam
/// step, `p -= learningRate * weightDecay * p`. Default weight decay 0.004 (Keras).
public final class AdamW: Adam {
    public let weightDecay: Float

    public init(
        learningRate: Float = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-7, clipNorm: Float? = nil,
        schedule: (any LearningRateSchedule)? = nil
    ) {
        self.weightDecay = weightDecay
        super.init(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, clipNorm: clipNorm,
            schedule: schedule)
    }

    public override func update(_ parameter: Parameter, gradient: Tensor, state: inout [Tensor]) {
        let decay = 1 - learningRate * weightDecay
        parameter.updateInPlace { OptimizerKernel.scale($0.baseAddress!, count: $0.count, by: decay) }
        super.update(parameter, gradient: gradient, state: &state)
    }
}
