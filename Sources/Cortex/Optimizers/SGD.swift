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
        precondition(momentum >= 0 && momentum < 1, "SGD: momentum must be in [0, 1), got \(momentum)")
        self.momentum = momentum
        self.nesterov = nesterov
        super.init(learningRate: learningRate, clipNorm: clipNorm, schedule: schedule)
    }

    public override var stateCount: Int { momentum > 0 ? 1 : 0 }

    public override func update(_ parameter: Parameter, gradient: Tensor, state: inout [Tensor]) {
        let lr = learningRate, mu = momentum, nesterov = nesterov
        withBuffers(parameter, gradient, &state) { p, g, v, _ in
            let count = p.count
            let (p, g) = (p.baseAddress!, g.baseAddress!)
            parallelChunks(count, minimumPerThread: parallelElementThreshold) { range in
                var i = range.lowerBound
                if let v {
                    while i + 8 <= range.upperBound {
                        let gi = load8(g + i)
                        let vi = mu * load8(v + i) - lr * gi
                        store8(vi, v + i)
                        store8(load8(p + i) + (nesterov ? mu * vi - lr * gi : vi), p + i)
                        i += 8
                    }
                    for j in i..<range.upperBound {
                        v[j] = mu * v[j] - lr * g[j]
                        p[j] += nesterov ? mu * v[j] - lr * g[j] : v[j]
                    }
                } else {
                    while i + 8 <= range.upperBound {
                        store8(load8(p + i) - lr * load8(g + i), p + i)
                        i += 8
                    }
                    for j in i..<range.upperBound { p[j] -= lr * g[j] }
                }
            }
        }
    }
}
