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
    let result = x.mapped8(FastMath.sigmoid)
    return Tensor.recording(result, inputs: [x]) { g, _ in
        [g.zipped(with: result) { g, y in g * y * (1 - y) }]
    }
}

/// The hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor {
    let result = x.mapped8(FastMath.tanh)
    return Tensor.recording(result, inputs: [x]) { g, _ in
        [g.zipped(with: result) { g, y in g * (1 - y * y) }]
    }
}

/// e^x.
public func exp(_ x: Tensor) -> Tensor {
    let result = x.mapped8(FastMath.exp)
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
            SoftmaxKernel.forward(
                input.baseAddress!, out.baseAddress!, outer: outer, length: length, inner: inner, log: false)
        }
    }
    return Tensor.recording(y, inputs: [x]) { g, _ in
        // dx = y * (g - sum(g * y))
        let gy = g.zipped(with: y) { $0 * $1 }
        let s = gy.sum(alongAxes: [axis])
        return [
            Tensor.broadcasting(gy, Tensor.broadcasting(y, s, op: "softmax") { $0 * $1 }, op: "softmax") { $0 - $1 }
        ]
    }
}

/// log(softmax(x)) along `axis`, computed stably as x - max - log(sum(e^(x - max))).
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let axis = x.normalizedAxes([axis], op: "logSoftmax")[0]
    let (outer, length, inner) = ReductionKernel.view(x.shape, axis: axis)
    let y = Tensor(uninitializedShape: x.shape) { out in
        x.withUnsafeBufferPointer { input in
            SoftmaxKernel.forward(
                input.baseAddress!, out.baseAddress!, outer: outer, length: length, inner: inner, log: true)
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
