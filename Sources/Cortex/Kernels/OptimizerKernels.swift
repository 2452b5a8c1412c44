import CCortexShims

/// The element-wise updates of the optimizers, over parameter, gradient and state buffers.
/// Eight lanes at a time (the pointers may alias as far as the compiler knows, so it would not
/// vectorize these loops by itself), split across threads for large tensors.
enum OptimizerKernel {
    #if arch(x86_64)
        /// Whether the CPU runs the 8-lane AVX Adam update (`CCortexShims`), checked once.
        private static let hasAVX = cortex_has_avx() != 0
    #endif

    /// Adam: `m += (g - m)(1 - b1)`, `v += (g² - v)(1 - b2)`, `p -= alpha m / (sqrt(v) + eps)`.
    static func adam(
        _ p: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        gradient g: UnsafePointer<Float>, count: Int, alpha: Float, beta1 b1: Float, beta2 b2: Float,
        epsilon eps: Float
    ) {
        parallelChunks(count, minimumPerThread: parallelElementThreshold) { range in
            var i = range.lowerBound
            #if arch(x86_64)
                if hasAVX {
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

    /// SGD: with a velocity buffer `v = mu v - lr g`, then `p += v` (or Nesterov's
    /// `p += mu v - lr g`); without, `p -= lr g`.
    static func sgd(
        _ p: UnsafeMutablePointer<Float>, velocity v: UnsafeMutablePointer<Float>?, gradient g: UnsafePointer<Float>,
        count: Int, learningRate lr: Float, momentum mu: Float, nesterov: Bool
    ) {
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

    /// RMSprop: `v = rho v + (1 - rho) g²`, step `lr g / sqrt(v + eps)`, through a momentum
    /// buffer `b = mu b + step` when given.
    static func rmsprop(
        _ p: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, momentum buffer: UnsafeMutablePointer<Float>?,
        gradient g: UnsafePointer<Float>, count: Int, learningRate lr: Float, rho: Float, momentum mu: Float,
        epsilon eps: Float
    ) {
        for i in 0..<count {
            v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]
            let increment = lr * g[i] / (v[i] + eps).squareRoot()
            if let buffer {
                buffer[i] = mu * buffer[i] + increment
                p[i] -= buffer[i]
            } else {
                p[i] -= increment
            }
        }
    }

    /// `p *= factor` (decoupled weight decay).
    static func scale(_ p: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        for i in 0..<count { p[i] *= factor }
    }
}
