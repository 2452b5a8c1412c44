import Foundation

/// The fused, numerically stable cross-entropy forms, with hand-written backward passes.
enum CrossEntropy {
    /// Mean over rows of `-log softmax(logits)[label]`, for logits `[..., classes]` and labels
    /// holding one class index per row. Gradient: `(softmax - onehot) / rows`.
    static func sparseFromLogits(_ logits: Tensor, _ labels: Tensor) -> Tensor {
        let classes = logits.shape[logits.rank - 1]
        let rows = logits.count / classes
        precondition(
            labels.count == rows,
            "sparseCategoricalCrossentropy: \(labels.count) labels for \(rows) rows of \(logits.shape)")
        var probabilities = [Float](unsafeUninitializedCapacity: logits.count) { _, c in c = logits.count }
        var total = 0.0
        logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                probabilities.withUnsafeMutableBufferPointer { p in
                    SoftmaxKernel.forward(z, p, outer: rows, length: classes, inner: 1, log: false)
                    for r in 0..<rows {
                        let label = Int(y[r])
                        precondition(
                            label >= 0 && label < classes,
                            "sparseCategoricalCrossentropy: label \(y[r]) is not in 0..<\(classes)")
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
        let count = logits.count
        @inline(__always) func term(_ z: Float8, _ y: Float8) -> Float8 {
            let zero = Float8()
            let magnitude = z.replacing(with: -z, where: z .< zero)
            return z.replacing(with: zero, where: z .< zero) - z * y + FastMath.log(1 + FastMath.exp(-magnitude))
        }
        var partials = [Double](repeating: 0, count: Cortex.threadCount)
        logits.withUnsafeBufferPointer { zp in
            t.withUnsafeBufferPointer { yp in
                partials.withUnsafeMutableBufferPointer { sums in
                    let (z, y) = (zp.baseAddress!, yp.baseAddress!)
                    parallelIndexedChunks(count, minimumPerThread: parallelTranscendentalThreshold) { chunk, range in
                        var i = range.lowerBound
                        var total = 0.0
                        // Lane-wise Float sums of up to 1,024 terms, flushed into Double: a
                        // horizontal sum per 8 terms would serialize the loop on its latency.
                        while i + 8 <= range.upperBound {
                            var lanes = Float8()
                            let end = Swift.min(i + 1024, range.upperBound)
                            while i + 8 <= end {
                                lanes += term(load8(z + i), load8(y + i))
                                i += 8
                            }
                            total += Double(lanes.sum())
                        }
                        for j in i..<range.upperBound {
                            total += Double(
                                Swift.max(z[j], 0) - z[j] * y[j] + Foundation.log1p(Foundation.exp(-Swift.abs(z[j]))))
                        }
                        sums[chunk] = total
                    }
                }
            }
        }
        let total = partials.reduce(0, +)
        let n = Float(Swift.max(count, 1))
        let result = Tensor(Float(total / Double(n)))
        return Tensor.recording(result, inputs: [logits]) { g, _ in
            let scale = g.storage[0] / n
            return [
                Tensor(uninitializedShape: logits.shape) { dz in
                    logits.withUnsafeBufferPointer { zp in
                        t.withUnsafeBufferPointer { yp in
                            let (z, y, d) = (zp.baseAddress!, yp.baseAddress!, dz.baseAddress!)
                            parallelChunks(count, minimumPerThread: parallelTranscendentalThreshold) { range in
                                var i = range.lowerBound
                                while i + 8 <= range.upperBound {
                                    store8((FastMath.sigmoid(load8(z + i)) - load8(y + i)) * scale, d + i)
                                    i += 8
                                }
                                for j in i..<range.upperBound { d[j] = (stableSigmoid(z[j]) - y[j]) * scale }
                            }
                        }
                    }
                }
            ]
        }
    }
}
