import CCortexShims
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
        precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam: betas must be in [0, 1)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        super.init(learningRate: learningRate, clipNorm: clipNorm, schedule: schedule)
    }

    public override var stateCount: Int { 2 }

    #if arch(x86_64)
        /// Whether the CPU runs the 8-lane AVX update (`CCortexShims`), checked once.
        private static let hasAVX = cortex_has_avx() != 0
    #endif

    public override func update(_ parameter: Parameter, gradient: Tensor, state: inout [Tensor]) {
        let t = Double(iterations)
        let alpha = Float(
            Double(learningRate) * (1 - Foundation.pow(Double(beta2), t)).squareRoot()
                / (1 - Foundation.pow(Double(beta1), t)))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        withBuffers(parameter, gradient, &state) { p, g, m, v in
            let count = p.count
            let (m, v, p, g) = (m!, v!, p.baseAddress!, g.baseAddress!)
            // Eight lanes at a time (the pointers may alias as far as the compiler knows, so it
            // would not vectorize this loop by itself), split across threads for large tensors.
            parallelChunks(count, minimumPerThread: parallelElementThreshold) { range in
                var i = range.lowerBound
                #if arch(x86_64)
                    if Self.hasAVX {
                        let whole = (range.count / 8) * 8
                        cortex_adam_update_avx(p + i, m + i, v + i, g + i, whole, alpha, b1, b2, eps)
                        i += whole
                    }
                #endif
                while i + 8 <= range.upperBound {
                    let gi = load8(g + i)
                    let mi = load8(m + i) + (gi - load8(m + i)) * (1 - b1)
                    let vi = load8(v + i) + (gi * gi - load8(v + i)) * (1 - b2)
                    store8(mi, m + i)
                    store8(vi, v + i)
                    store8(load8(p + i) - alpha * mi / (sqrt8(vi) + eps), p + i)
                    i += 8
                }
                for j in i..<range.upperBound {
                    m[j] += (g[j] - m[j]) * (1 - b1)
                    v[j] += (g[j] * g[j] - v[j]) * (1 - b2)
                    p[j] -= alpha * m[j] / (v[j].squareRoot() + eps)
                }
            }
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
        parameter.updateInPlace { p in for i in 0..<p.count { p[i] *= decay } }
        super.update(parameter, gradient: gradient, state: &state)
    }
}
