/// Layer normalization over the last axis: `gamma * (x - mean) / sqrt(variance + epsilon) + beta`,
/// with each row's own mean and biased variance; `gamma` and `beta` are `[features]`.
///
/// The backward pass is the closed form per row,
/// `dx = (h - mean(h) - x̂ * mean(h * x̂)) / sqrt(variance + epsilon)` with `h = dy * gamma`.
public func layerNormalization(_ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float = 1e-3) -> Tensor {
    let features = x.shape.last ?? 0
    check(
        x.rank >= 1 && features > 0 && gamma.shape == [features] && beta.shape == [features],
        "layerNormalization: gamma \(gamma.shape) and beta \(beta.shape) must be [\(features)] for input \(x.shape)")
    let rows = x.count / features
    var normalized = [Float](unsafeUninitializedCapacity: x.count) { _, c in c = x.count }
    var inverse = [Float](unsafeUninitializedCapacity: rows) { _, c in c = rows }
    let output = Tensor(uninitializedShape: x.shape) { y in
        x.withUnsafeBufferPointer { p in
            gamma.withUnsafeBufferPointer { g in
                beta.withUnsafeBufferPointer { b in
                    normalized.withUnsafeMutableBufferPointer { n in
                        inverse.withUnsafeMutableBufferPointer { s in
                            LayerNormKernel.forward(
                                p.baseAddress!, rows: rows, features: features, epsilon: epsilon,
                                gamma: g.baseAddress!, beta: b.baseAddress!, normalized: n.baseAddress!,
                                inverse: s.baseAddress!, y: y.baseAddress!)
                        }
                    }
                }
            }
        }
    }
    return Tensor.recording(output, inputs: [x, gamma, beta]) { dy, tracked in
        let loop = ParallelLoop(count: rows, minimumPerThread: Swift.max(1, 16_384 / features))
        var partials = ChunkPartials<Float>(loop, width: 2 * features)
        var dx = [Float](unsafeUninitializedCapacity: tracked[0] ? x.count : 0) { _, c in c = tracked[0] ? x.count : 0 }
        dy.withUnsafeBufferPointer { d in
            normalized.withUnsafeBufferPointer { n in
                inverse.withUnsafeBufferPointer { s in
                    gamma.withUnsafeBufferPointer { g in
                        dx.withUnsafeMutableBufferPointer { dxp in
                            partials.withBase { base in
                                LayerNormKernel.backward(
                                    d.baseAddress!, normalized: n.baseAddress!, inverse: s.baseAddress!, rows: rows,
                                    features: features, gamma: g.baseAddress!,
                                    dx: tracked[0] ? dxp.baseAddress : nil, loop: loop, partials: base)
                            }
                        }
                    }
                }
            }
        }
        var sums = [Float](repeating: 0, count: 2 * features)
        sums.withUnsafeMutableBufferPointer { partials.sum(into: $0.baseAddress!) }
        var grads: [Tensor] = []
        if tracked[0] { grads.append(Tensor(shape: x.shape, storage: dx)) }
        if tracked[1] { grads.append(Tensor(Array(sums[..<features]))) }
        if tracked[2] { grads.append(Tensor(Array(sums[features...]))) }
        return grads
    }
}
