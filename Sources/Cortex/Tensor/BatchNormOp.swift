/// Batch normalization in training mode over every axis but the last (channels-last):
/// `gamma * (x - mean) / sqrt(variance + epsilon) + beta`, with the batch's mean and biased
/// variance. Returns the output and the batch statistics (for the moving averages).
///
/// The backward pass is the closed form
/// `dx = gamma / sqrt(var + eps) * (dy - mean(dy) - x̂ * mean(dy * x̂))`.
func batchNormalization(
    _ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float
) -> (output: Tensor, mean: [Float], variance: [Float]) {
    let channels = x.shape[x.rank - 1], rows = x.count / channels
    precondition(
        gamma.shape == [channels] && beta.shape == [channels], "batchNormalization: gamma/beta must be [\(channels)]")
    var mean = [Double](repeating: 0, count: channels), variance = mean
    x.withUnsafeBufferPointer { p in
        for r in 0..<rows { for c in 0..<channels { mean[c] += Double(p[r * channels + c]) } }
        for c in 0..<channels { mean[c] /= Double(rows) }
        for r in 0..<rows {
            for c in 0..<channels {
                let d = Double(p[r * channels + c]) - mean[c]
                variance[c] += d * d
            }
        }
        for c in 0..<channels { variance[c] /= Double(rows) }
    }
    let inverse = variance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
    let m = mean.map(Float.init)
    let normalized = Tensor(uninitializedShape: x.shape) { out in
        x.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                for c in 0..<channels { out[r * channels + c] = (p[r * channels + c] - m[c]) * inverse[c] }
            }
        }
    }
    let output = Tensor(uninitializedShape: x.shape) { out in
        normalized.withUnsafeBufferPointer { n in
            gamma.withUnsafeBufferPointer { g in
                beta.withUnsafeBufferPointer { b in
                    for r in 0..<rows {
                        for c in 0..<channels { out[r * channels + c] = n[r * channels + c] * g[c] + b[c] }
                    }
                }
            }
        }
    }
    let recorded = Tensor.recording(output, inputs: [x, gamma, beta]) { dy, tracked in
        var sumDy = [Float](repeating: 0, count: channels), sumDyXhat = sumDy
        dy.withUnsafeBufferPointer { d in
            normalized.withUnsafeBufferPointer { n in
                for r in 0..<rows {
                    for c in 0..<channels {
                        sumDy[c] += d[r * channels + c]
                        sumDyXhat[c] += d[r * channels + c] * n[r * channels + c]
                    }
                }
            }
        }
        var grads: [Tensor] = []
        if tracked[0] {
            grads.append(
                Tensor(uninitializedShape: x.shape) { dx in
                    dy.withUnsafeBufferPointer { d in
                        normalized.withUnsafeBufferPointer { n in
                            gamma.withUnsafeBufferPointer { g in
                                let scale = (0..<channels).map { g[$0] * inverse[$0] }
                                let meanDy = sumDy.map { $0 / Float(rows) },
                                    meanDyXhat = sumDyXhat.map { $0 / Float(rows) }
                                for r in 0..<rows {
                                    for c in 0..<channels {
                                        let i = r * channels + c
                                        dx[i] = scale[c] * (d[i] - meanDy[c] - n[i] * meanDyXhat[c])
                                    }
                                }
                            }
                        }
                    }
                })
        }
        if tracked[1] { grads.append(Tensor(sumDyXhat)) }
        if tracked[2] { grads.append(Tensor(sumDy)) }
        return grads
    }
    return (recorded, m, variance.map(Float.init))
}
