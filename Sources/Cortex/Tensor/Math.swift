import Foundation

/// Differentiable element-wise functions and activations.

/// max(x, 0).
public func relu(_ x: Tensor) -> Tensor {
    let result = x.mapped { $0 > 0 ? $0 : 0 }
    return Tensor.recording(result, inputs: [x]) { g, _ in
        [g.zipped(with: result) { g, y in y > 0 ? g : 0 }]
    }
}

/// x for x > 0, else `alpha * x`.
public func leakyRelu(_ x: Tensor, alpha: Float = 0.2) -> Tensor {
    let result = x.mapped { $0 > 0 ? $0 : alpha * $0 }
    return Tensor.recording(result, inputs: [x]) { g, _ in
        [g.zipped(with: x) { g, x in x > 0 ? g : alpha * g }]
    }
}

/// The logistic function 1 / (1 + e^-x), computed without overflow.
public func sigmoid(_ x: Tensor) -> Tensor {
    var result = FastMath.map(x, FastMath.sigmoid)
    result = Tensor.recording(result, inputs: [x]) { g, _ in
        [g.zipped(with: result) { g, y in g * y * (1 - y) }]
    }
    result.origin = ActivationOrigin(.sigmoid, logits: x)
    return result
}

@inline(__always) func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

/// The hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor {
    let result = FastMath.map(x, FastMath.tanh)
    return Tensor.recording(result, inputs: [x]) { g, _ in
        [g.zipped(with: result) { g, y in g * (1 - y * y) }]
    }
}

/// e^x.
public func exp(_ x: Tensor) -> Tensor {
    let result = FastMath.map(x, FastMath.exp)
    return Tensor.recording(result, inputs: [x]) { g, _ in [g.zipped(with: result) { $0 * $1 }] }
}

/// The natural logarithm.
public func log(_ x: Tensor) -> Tensor {
    Tensor.recording(x.mapped { Foundation.log($0) }, inputs: [x]) { g, _ in
        [g.zipped(with: x) { $0 / $1 }]
    }
}

/// The square root.
public func sqrt(_ x: Tensor) -> Tensor {
    let result = x.mapped { $0.squareRoot() }
    return Tensor.recording(result, inputs: [x]) { g, _ in [g.zipped(with: result) { g, y in g / (2 * y) }] }
}

/// The absolute value; its gradient at 0 is taken as 0.
public func abs(_ x: Tensor) -> Tensor {
    Tensor.recording(x.mapped { Swift.abs($0) }, inputs: [x]) { g, _ in
        [g.zipped(with: x) { g, x in x > 0 ? g : (x < 0 ? -g : 0) }]
    }
}

/// Limits each element to `range`; the gradient is zero outside it.
public func clip(_ x: Tensor, to range: ClosedRange<Float>) -> Tensor {
    let lo = range.lowerBound, hi = range.upperBound
    return Tensor.recording(x.mapped { Swift.min(Swift.max($0, lo), hi) }, inputs: [x]) { g, _ in
        [g.zipped(with: x) { g, x in x >= lo && x <= hi ? g : 0 }]
    }
}

/// e^x / sum(e^x) along `axis`, computed after subtracting the maximum so it cannot overflow.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let axis = x.normalizedAxes([axis], op: "softmax")[0]
    let (outer, length, inner) = ReductionKernel.view(x.shape, axis: axis)
    let y = Tensor(uninitializedShape: x.shape) { out in
        x.withUnsafeBufferPointer { input in
            SoftmaxKernel.forward(input, out, outer: outer, length: length, inner: inner, log: false)
        }
    }
    var result = Tensor.recording(y, inputs: [x]) { g, _ in
        // dx = y * (g - sum(g * y))
        let gy = g.zipped(with: y) { $0 * $1 }
        let s = gy.sum(alongAxes: [axis])
        return [
            Tensor.broadcasting(gy, Tensor.broadcasting(y, s, op: "softmax") { $0 * $1 }, op: "softmax") { $0 - $1 }
        ]
    }
    result.origin = ActivationOrigin(.softmax, logits: x)
    return result
}

/// log(softmax(x)) along `axis`, computed stably as x - max - log(sum(e^(x - max))).
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let axis = x.normalizedAxes([axis], op: "logSoftmax")[0]
    let (outer, length, inner) = ReductionKernel.view(x.shape, axis: axis)
    let y = Tensor(uninitializedShape: x.shape) { out in
        x.withUnsafeBufferPointer { input in
            SoftmaxKernel.forward(input, out, outer: outer, length: length, inner: inner, log: true)
        }
    }
    return Tensor.recording(y, inputs: [x]) { g, _ in
        // dx = g - softmax(x) * sum(g)
        let s = g.sum(alongAxes: [axis])
        let p = y.mapped { Foundation.exp($0) }
        return [
            Tensor.broadcasting(g, Tensor.broadcasting(p, s, op: "logSoftmax") { $0 * $1 }, op: "logSoftmax") {
                $0 - $1
            }
        ]
    }
}

enum SoftmaxKernel {
    /// Softmax (or log-softmax) over the middle axis of `[outer, length, inner]`.
    static func forward(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>,
        outer: Int, length: Int, inner: Int, log: Bool
    ) {
        parallelChunks(outer, minimumPerThread: Swift.max(1, 4096 / Swift.max(1, length * inner))) { range in
            for o in range {
                if inner == 1 {
                    // Contiguous rows: subtract the maximum, then exponentiate 8 lanes at a time.
                    let row = x.baseAddress! + o * length, out = y.baseAddress! + o * length
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
