import Foundation

/// The fused, numerically stable cross-entropy forms, with hand-written backward passes.
enum CrossEntropy {
    /// Mean over rows of `-log softmax(logits)[label]`, for logits `[..., classes]` and labels
    /// holding one class index per row. Gradient: `(softmax - onehot) / rows`.
    static func sparseFromLogits(_ logits: Tensor, _ labels: Tensor) -> Tensor {
        let classes = logits.shape[logits.rank - 1]
        let rows = logits.count / classes
        precondition(labels.count == rows, "sparseCategoricalCrossentropy: \(labels.count) labels for \(rows) rows of \(logits.shape)")
        var probabilities = [Float](unsafeUninitializedCapacity: logits.count) { _, c in c = logits.count }
        var total = 0.0
        logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                probabilities.withUnsafeMutableBufferPointer { p in
                    SoftmaxKernel.forward(z, p, outer: rows, length: classes, inner: 1, log: false)
                    for r in 0..<rows {
                        let label = Int(y[r])
                        precondition(label >= 0 && label < classes, "sparseCategoricalCrossentropy: label \(y[r]) is not in 0..<\(classes)")
                        // -log p computed from logits to keep precision for confident wrong answers.
                        let row = z.baseAddress! + r * classes
                        var m = -Float.infinity
                        for k in 0..<classes { m = Swift.max(m, row[k]) }
                        var s: Float = 0
                        for k in 0..<classes { s += Foundation.exp(row[k] - m) }
                        total += Double(Foundation.log(s) + m - row[label])
                    }
                }
            }
        }
        let result = Tensor(Float(total / Double(Swift.max(rows, 1))))
        return Tensor.recording(result, inputs: [logits]) { g, _ in
            let scale = g.storage[0] / Float(Swift.max(rows, 1))
            return [
                Tensor(uninitializedShape: logits.shape) { dz in
                    probabilities.withUnsafeBufferPointer { p in
                        labels.withUnsafeBufferPointer { y in
                            for i in 0..<dz.count { dz[i] = p[i] * scale }
                            for r in 0..<rows { dz[r * classes + Int(y[r])] -= scale }
                        }
                    }
                }
            ]
        }
    }

    /// Mean of `max(z, 0) - z * t + log(1 + e^-|z|)`, the stable sigmoid cross-entropy.
    /// Gradient: `(sigmoid(z) - t) / count`.
    static func binaryFromLogits(_ logits: Tensor, _ targets: Tensor) -> Tensor {
        let t = targets.reshapedStorage(logits.shape)
        var total = 0.0
        logits.withUnsafeBufferPointer { z in
            t.withUnsafeBufferPointer { y in
                for i in 0..<z.count {
                    let v = z[i]
                    total += Double(Swift.max(v, 0) - v * y[i] + Foundation.log1p(Foundation.exp(-Swift.abs(v))))
                }
            }
        }
        let n = Float(Swift.max(logits.count, 1))
        let result = Tensor(Float(total / Double(n)))
        return Tensor.recording(result, inputs: [logits]) { g, _ in
            let scale = g.storage[0] / n
            return [logits.zipped(with: t) { z, y in (stableSigmoid(z) - y) * scale }]
        }
    }
}
