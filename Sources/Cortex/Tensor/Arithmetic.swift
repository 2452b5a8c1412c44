/// Differentiable arithmetic with NumPy broadcasting.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let result = broadcasting(a, b, op: "+") { $0 + $1 }
        return recording(result, inputs: [a, b]) { g, tracked in
            var grads: [Tensor] = []
            if tracked[0] { grads.append(g.summed(toShape: a.shape)) }
            if tracked[1] { grads.append(g.summed(toShape: b.shape)) }
            return grads
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let result = broadcasting(a, b, op: "-") { $0 - $1 }
        return recording(result, inputs: [a, b]) { g, tracked in
            var grads: [Tensor] = []
            if tracked[0] { grads.append(g.summed(toShape: a.shape)) }
            if tracked[1] { grads.append(g.mapped { -$0 }.summed(toShape: b.shape)) }
            return grads
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let result = broadcasting(a, b, op: "*") { $0 * $1 }
        return recording(result, inputs: [a, b]) { g, tracked in
            var grads: [Tensor] = []
            if tracked[0] { grads.append(broadcasting(g, b, op: "*") { $0 * $1 }.summed(toShape: a.shape)) }
            if tracked[1] { grads.append(broadcasting(g, a, op: "*") { $0 * $1 }.summed(toShape: b.shape)) }
            return grads
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let result = broadcasting(a, b, op: "/") { $0 / $1 }
        return recording(result, inputs: [a, b]) { g, tracked in
            var grads: [Tensor] = []
            if tracked[0] { grads.append(broadcasting(g, b, op: "/") { $0 / $1 }.summed(toShape: a.shape)) }
            if tracked[1] {
                // d(a/b)/db = -a/b^2 = -result/b
                let r = broadcasting(result, b, op: "/") { -$0 / $1 }
                grads.append(broadcasting(g, r, op: "*") { $0 * $1 }.summed(toShape: b.shape))
            }
            return grads
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        recording(a.mapped { -$0 }, inputs: [a]) { g, _ in [g.mapped { -$0 }] }
    }

    public static func + (a: Tensor, s: Float) -> Tensor {
        recording(a.mapped { $0 + s }, inputs: [a]) { g, _ in [g] }
    }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor {
        recording(a.mapped { s - $0 }, inputs: [a]) { g, _ in [g.mapped { -$0 }] }
    }
    public static func * (a: Tensor, s: Float) -> Tensor {
        recording(a.mapped { $0 * s }, inputs: [a]) { g, _ in [g.mapped { $0 * s }] }
    }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor {
        let result = a.mapped { s / $0 }
        return recording(result, inputs: [a]) { g, _ in
            [g.zipped(with: result, a) { g, r, x in -g * r / x }]
        }
    }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    public static func *= (a: inout Tensor, s: Float) { a = a * s }

    /// The element-wise square.
    public func squared() -> Tensor {
        Tensor.recording(mapped { $0 * $0 }, inputs: [self]) { g, _ in
            [g.zipped(with: self) { g, x in 2 * g * x }]
        }
    }

    /// Raises each element to `exponent`.
    public func pow(_ exponent: Float) -> Tensor {
        let result = mapped { Foundation.pow($0, exponent) }
        return Tensor.recording(result, inputs: [self]) { g, _ in
            [g.zipped(with: self) { g, x in g * exponent * Foundation.pow(x, exponent - 1) }]
        }
    }
}

/// Element-wise comparisons, returning 1 where true and 0 where false (not differentiable).
extension Tensor {
    public func elementsEqual(_ other: Tensor) -> Tensor {
        Tensor.broadcasting(self.detached, other.detached, op: "elementsEqual") { $0 == $1 ? 1 : 0 }
    }
    public func elementsGreater(than value: Float) -> Tensor { detached.mapped { $0 > value ? 1 : 0 } }
}

import Foundation
