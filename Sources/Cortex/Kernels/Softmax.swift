import Foundation

/// Softmax and log-softmax over one axis of a tensor viewed as `[outer, length, inner]`.
enum SoftmaxKernel {
    /// Softmax (or log-softmax) over the middle axis of `[outer, length, inner]`.
    static func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, outer: Int, length: Int, inner: Int, log: Bool
    ) {
        parallelChunks(outer, minimumPerThread: Swift.max(1, 4096 / Swift.max(1, length * inner))) { range in
            for o in range {
                if inner == 1 {
                    // Contiguous rows: subtract the maximum, then exponentiate 8 lanes at a time.
                    let row = x + o * length, out = y + o * length
                    var m = -Float.infinity
                    for k in 0..<length { m = Swift.max(m, row[k]) }
                    if m == -.infinity { m = 0 }
                    for k in 0..<length { out[k] = row[k] - m }
                    FastMath.apply(out, out, length, FastMath.exp)
                    var total: Float = 0
                    for k in 0..<length { total += out[k] }
                    if log {
                        let logTotal = Foundation.log(total) + m
                        for k in 0..<length { out[k] = row[k] - logTotal }
                    } else {
                        let scale = 1 / total
                        for k in 0..<length { out[k] *= scale }
                    }
                    continue
                }
                for i in 0..<inner {
                    let base = o * length * inner + i
                    var m = -Float.infinity
                    for k in 0..<length { m = Swift.max(m, x[base + k * inner]) }
                    if m == -.infinity { m = 0 }
                    var total: Float = 0
                    for k in 0..<length {
                        let e = Foundation.exp(x[base + k * inner] - m)
                        y[base + k * inner] = e
                        total += e
                    }
                    if log {
                        let logTotal = Foundation.log(total) + m
                        for k in 0..<length { y[base + k * inner] = x[base + k * inner] - logTotal }
                    } else {
                        let scale = 1 / total
                        for k in 0..<length { y[base + k * inner] *= scale }
                    }
                }
            }
        }
    }
}
