/// Batch normalization over the rows of a row-major `[rows, channels]` buffer (every axis but
/// the channels), in training mode.
enum BatchNormKernel {
    /// Per-channel mean and biased variance, accumulated in Double.
    static func statistics(
        _ x: UnsafePointer<Float>, rows: Int, channels: Int, mean: UnsafeMutablePointer<Double>,
        variance: UnsafeMutablePointer<Double>
    ) {
        mean.initialize(repeating: 0, count: channels)
        variance.initialize(repeating: 0, count: channels)
        for r in 0..<rows { for c in 0..<channels { mean[c] += Double(x[r * channels + c]) } }
        for c in 0..<channels { mean[c] /= Double(Swift.max(rows, 1)) }
        for r in 0..<rows {
            for c in 0..<channels {
                let d = Double(x[r * channels + c]) - mean[c]
                variance[c] += d * d
            }
        }
        for c in 0..<channels { variance[c] /= Double(Swift.max(rows, 1)) }
    }

    /// `x̂ = (x - mean) * inverse` into `normalized`, and `y = x̂ * gamma + beta` into `y`.
    static func forward(
        _ x: UnsafePointer<Float>, rows: Int, channels: Int, mean: UnsafePointer<Float>,
        inverse: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        normalized: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let o = r * channels
            for c in 0..<channels {
                let n = (x[o + c] - mean[c]) * inverse[c]
                normalized[o + c] = n
                y[o + c] = n * gamma[c] + beta[c]
            }
        }
    }

    /// The gradients from `dy` and `x̂`: per-channel `Σ dy` into `betaGradient` and `Σ dy x̂` into
    /// `gammaGradient`, and when `dx` is given the closed form
    /// `dx = gamma * inverse * (dy - mean(dy) - x̂ * mean(dy * x̂))`.
    static func backward(
        _ dy: UnsafePointer<Float>, normalized: UnsafePointer<Float>, rows: Int, channels: Int,
        gamma: UnsafePointer<Float>, inverse: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
        gammaGradient: UnsafeMutablePointer<Float>, betaGradient: UnsafeMutablePointer<Float>
    ) {
        betaGradient.initialize(repeating: 0, count: channels)
        gammaGradient.initialize(repeating: 0, count: channels)
        for r in 0..<rows {
            let o = r * channels
            for c in 0..<channels {
                betaGradient[c] += dy[o + c]
                gammaGradient[c] += dy[o + c] * normalized[o + c]
            }
        }
        guard let dx else { return }
        let n = Float(Swift.max(rows, 1))
        for r in 0..<rows {
            let o = r * channels
            for c in 0..<channels {
                let scale = gamma[c] * inverse[c]
                dx[o + c] = scale * (dy[o + c] - betaGradient[c] / n - normalized[o + c] * gammaGradient[c] / n)
            }
        }
    }
}
