import Foundation

/// The numerically stable cross-entropies from logits, per row or element, and their gradients.
enum CrossEntropyKernel {
    /// For `rows` rows of `classes` logits and one class index per row (as `Float`): the
    /// softmax probabilities into `probabilities`, and `-log softmax(z)[label]` per row into
    /// `losses`, computed from the logits (log-sum-exp) to keep precision for confident wrong
    /// answers. Labels must have been validated.
    static func sparseSoftmax(
        logits z: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, classes: Int,
        probabilities: UnsafeMutablePointer<Float>, losses: UnsafeMutablePointer<Float>
    ) {
        SoftmaxKernel.forward(z, probabilities, outer: rows, length: classes, inner: 1, log: false)
        for r in 0..<rows {
            let row = z + r * classes
            var m = -Float.infinity
            for k in 0..<classes { m = Swift.max(m, row[k]) }
            var s: Float = 0
            for k in 0..<classes { s += Foundation.exp(row[k] - m) }
            losses[r] = Foundation.log(s) + m - row[Int(labels[r])]
        }
    }

    /// The gradient of `sparseSoftmax`'s row losses: `dz = (p - onehot(label)) * scale[row]`.
    static func sparseSoftmaxGradient(
        probabilities p: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, classes: Int,
        rowScale: UnsafePointer<Float>, into dz: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let scale = rowScale[r]
            let offset = r * classes
            for k in 0..<classes { dz[offset + k] = p[offset + k] * scale }
            dz[offset + Int(labels[r])] -= scale
        }
    }

    /// `max(z, 0) - z * t + log(1 + e^-|z|)` per element, the stable sigmoid cross-entropy.
    static func sigmoid(
        logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        parallelChunks(count, minimumPerThread: parallelTranscendentalThreshold) { range in
            let zero = Float8()
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let x = load8(z + i)
                let magnitude = x.replacing(with: -x, where: x .< zero)
                let value = x.replacing(with: zero, where: x .< zero) - x * load8(t + i)
                store8(value + FastMath.log(1 + FastMath.exp(-magnitude)), out + i)
                i += 8
            }
            for j in i..<range.upperBound {
                out[j] = Swift.max(z[j], 0) - z[j] * t[j] + Foundation.log1p(Foundation.exp(-Swift.abs(z[j])))
            }
        }
    }

    /// The gradient of `sigmoid`: `(sigmoid(z) - t) * g` per element.
    static func sigmoidGradient(
        logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, outputGradient g: UnsafePointer<Float>,
        into dz: UnsafeMutablePointer<Float>, count: Int
    ) {
        parallelChunks(count, minimumPerThread: parallelTranscendentalThreshold) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                store8((FastMath.sigmoid(load8(z + i)) - load8(t + i)) * load8(g + i), dz + i)
                i += 8
            }
            for j in i..<range.upperBound { dz[j] = (stableSigmoid(z[j]) - t[j]) * g[j] }
        }
    }
}

/// The logistic function of one value, without overflow.
@inline(__always)
func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}
