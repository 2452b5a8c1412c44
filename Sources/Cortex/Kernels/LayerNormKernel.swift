/// Layer normalization over the last axis of a row-major `[rows, features]` buffer.
enum LayerNormKernel {
    /// Per row: `x̂ = (x - mean) / sqrt(variance + epsilon)` into `normalized` (with the row's
    /// `1 / sqrt(variance + epsilon)` into `inverse`), and `y = x̂ * gamma + beta` into `y`.
    /// Mean and variance are taken in two passes in Double. Rows are split over threads.
    static func forward(
        _ x: UnsafePointer<Float>, rows: Int, features: Int, epsilon: Float, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, normalized: UnsafeMutablePointer<Float>, inverse: UnsafeMutablePointer<Float>,
        y: UnsafeMutablePointer<Float>
    ) {
        ParallelLoop(count: rows, minimumPerThread: Swift.max(1, 16_384 / Swift.max(features, 1))).run { _, range in
            for r in range {
                let row = x + r * features, n = normalized + r * features, out = y + r * features
                var sum = 0.0
                for j in 0..<features { sum += Double(row[j]) }
                let mean = sum / Double(features)
                var squares = 0.0
                for j in 0..<features {
                    let d = Double(row[j]) - mean
                    squares += d * d
                }
                let scale = Float(1 / (squares / Double(features) + Double(epsilon)).squareRoot())
                let shift = Float(mean)
                inverse[r] = scale
                for j in 0..<features {
                    let v = (row[j] - shift) * scale
                    n[j] = v
                    out[j] = v * gamma[j] + beta[j]
                }
            }
        }
    }

    /// The gradients from `dy` and the forward pass's `normalized` and `inverse`: into `dx`
    /// (when given) `inverse * (h - mean(h) - x̂ * mean(h * x̂))` per row with `h = dy * gamma`,
    /// and per feature `Σ dy x̂` and `Σ dy` added to `gammaGradient` and `betaGradient`, which
    /// `partials` (one `2 * features` row per chunk of `loop`) collects per thread.
    static func backward(
        _ dy: UnsafePointer<Float>, normalized: UnsafePointer<Float>, inverse: UnsafePointer<Float>, rows: Int,
        features: Int, gamma: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
        loop: ParallelLoop, partials: UnsafeMutablePointer<Float>
    ) {
        loop.run { chunk, range in
            let gammaSums = partials + chunk * 2 * features, betaSums = gammaSums + features
            for r in range {
                let d = dy + r * features, n = normalized + r * features
                var meanH: Float = 0, meanHN: Float = 0
                for j in 0..<features {
                    let h = d[j] * gamma[j]
                    meanH += h
                    meanHN += h * n[j]
                    gammaSums[j] += d[j] * n[j]
                    betaSums[j] += d[j]
                }
                guard let dx else { continue }
                meanH /= Float(features)
                meanHN /= Float(features)
                let out = dx + r * features, scale = inverse[r]
                for j in 0..<features { out[j] = scale * (d[j] * gamma[j] - meanH - n[j] * meanHN) }
            }
        }
    }
}
