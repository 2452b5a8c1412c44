/// Batch normalization in training mode over every axis but the last (channels-last):
/// `gamma * (x - mean) / sqrt(variance + epsilon) + beta`, with the batch's mean and biased
/// variance. Returns the output and the batch statistics (for the moving averages).
///
/// The backward pass is the closed form
/// `dx = gamma / sqrt(var + eps) * (dy - mean(dy) - x̂ * mean(dy * x̂))`.
func batchNormalization(
    _ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float
) -> (output: Tensor, mean: [Float], variance: [Float]) {
    let channels = x.shape[x.rank - 1], rows = x.count / Swift.max(channels, 1)
    check(
        gamma.shape == [channels] && beta.shape == [channels],
        "batchNormalization: gamma \(gamma.shape) and beta \(beta.shape) must be [\(channels)] for input \(x.shape)")
    var mean = [Double](repeating: 0, count: channels), variance = mean
    x.withUnsafeBufferPointer { p in
        BatchNormKernel.statistics(p.baseAddress!, rows: rows, channels: channels, mean: &mean, variance: &variance)
    }
    let inverse = variance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
    let batchMean = mean.map(Float.init)
    var normalized = [Float](unsafeUninitializedCapacity: x.count) { _, c in c = x.count }
    let output = Tensor(uninitializedShape: x.shape) { y in
        x.withUnsafeBufferPointer { p in
            gamma.withUnsafeBufferPointer { g in
                beta.withUnsafeBufferPointer { b in
                    normalized.withUnsafeMutableBufferPointer { n in
                        BatchNormKernel.forward(
                            p.baseAddress!, rows: rows, channels: channels, mean: batchMean, inverse: inverse,
                            gamma: g.baseAddress!, beta: b.baseAddress!, normalized: n.baseAddress!,
                            y: y.baseAddress!)
                    }
                }
            }
        }
    }
    let recorded = Tensor.recording(output, inputs: [x, gamma, beta]) { dy, tracked in
        var dGamma = [Float](repeating: 0, count: channels), dBeta = dGamma
        var dx = [Float](unsafeUninitializedCapacity: tracked[0] ? x.count : 0) { _, c in c = tracked[0] ? x.count : 0 }
        dy.withUnsafeBufferPointer { d in
            normalized.withUnsafeBufferPointer { n in
                gamma.withUnsafeBufferPointer { g in
                    dx.withUnsafeMutableBufferPointer { dxp in
                        BatchNormKernel.backward(
                            d.baseAddress!, normalized: n.baseAddress!, rows: rows, channels: channels,
                            gamma: g.baseAddress!, inverse: inverse, dx: tracked[0] ? dxp.baseAddress : nil,
                            gammaGradient: &dGamma, betaGradient: &dBeta)
                    }
                }
            }
        }
        var grads: [Tensor] = []
        if tracked[0] { grads.append(Tensor(shape: x.shape, storage: dx)) }
        if tracked[1] { grads.append(Tensor(dGamma)) }
        if tracked[2] { grads.append(Tensor(dBeta)) }
        return grads
    }
    return (recorded, batchMean, variance.map(Float.init))
}
