/// `-log softmax(logits)[label]` for every row of `logits` `[..., classes]`, with one class index
/// per row in `labels` (stored as `Float`, any shape with that many elements): a tensor of
/// shape `logits.shape.dropLast()`. Computed with log-sum-exp, so it stays finite for any
/// logits; the gradient is `(softmax(logits) - onehot) * g`.
func sparseSoftmaxCrossEntropy(logits: Tensor, labels: Tensor) -> Tensor {
    let classes = logits.shape[logits.rank - 1]
    let rows = logits.count / Swift.max(classes, 1)
    check(
        labels.count == rows,
        "sparseCategoricalCrossentropy: \(labels.count) labels for \(rows) rows of \(logits.shape)")
    labels.withUnsafeBufferPointer { y in
        for r in 0..<rows {
            check(
                y[r] >= 0 && y[r] < Float(classes) && y[r] == y[r].rounded(),
                "sparseCategoricalCrossentropy: label \(y[r]) is not in 0..<\(classes)")
        }
    }
    var probabilities = [Float](unsafeUninitializedCapacity: logits.count) { _, c in c = logits.count }
    let losses = Tensor(uninitializedShape: Array(logits.shape.dropLast())) { out in
        logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                probabilities.withUnsafeMutableBufferPointer { p in
                    CrossEntropyKernel.sparseSoftmax(
                        logits: z.baseAddress!, labels: y.baseAddress!, rows: rows, classes: classes,
                        probabilities: p.baseAddress!, losses: out.baseAddress!)
                }
            }
        }
    }
    return Tensor.recording(losses, inputs: [logits]) { g, _ in
        [
            Tensor(uninitializedShape: logits.shape) { dz in
                probabilities.withUnsafeBufferPointer { p in
                    labels.withUnsafeBufferPointer { y in
                        g.withUnsafeBufferPointer { scale in
                            CrossEntropyKernel.sparseSoftmaxGradient(
                                probabilities: p.baseAddress!, labels: y.baseAddress!, rows: rows, classes: classes,
                                rowScale: scale.baseAddress!, into: dz.baseAddress!)
                        }
                    }
                }
            }
        ]
    }
}

/// `max(z, 0) - z * t + log(1 + e^-|z|)` element by element: the sigmoid cross-entropy of
/// logits `z` and targets `t` (same shape), stable for any logits. Gradients: `(sigmoid(z) - t) * g`
/// for the logits, `-z * g` for the targets (soft targets from another model are trained too).
func sigmoidCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
    check(logits.shape == targets.shape, "binaryCrossentropy: targets \(targets.shape) for logits \(logits.shape)")
    let losses = Tensor(uninitializedShape: logits.shape) { out in
        logits.withUnsafeBufferPointer { z in
            targets.withUnsafeBufferPointer { t in
                CrossEntropyKernel.sigmoid(
                    logits: z.baseAddress!, targets: t.baseAddress!, into: out.baseAddress!, count: out.count)
            }
        }
    }
    return Tensor.recording(losses, inputs: [logits, targets]) { g, tracked in
        var grads: [Tensor] = []
        if tracked[0] {
            grads.append(
                Tensor(uninitializedShape: logits.shape) { dz in
                    logits.withUnsafeBufferPointer { z in
                        targets.withUnsafeBufferPointer { t in
                            g.withUnsafeBufferPointer { gp in
                                CrossEntropyKernel.sigmoidGradient(
                                    logits: z.baseAddress!, targets: t.baseAddress!, outputGradient: gp.baseAddress!,
                                    into: dz.baseAddress!, count: dz.count)
                            }
                        }
                    }
                })
        }
        if tracked[1] { grads.append(g.zipped(with: logits) { g, z in -g * z }) }
        return grads
    }
}
