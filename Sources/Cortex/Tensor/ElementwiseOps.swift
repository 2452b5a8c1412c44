/// The untracked element-wise building blocks of the tensor ops: each allocates the result and
/// runs one kernel from `Kernels/Elementwise.swift` or `Kernels/Broadcast.swift`.
extension Tensor {
    /// A tensor of the same shape with `transform` applied to each element.
    @inline(__always)
    func mapped(_ transform: (Float) -> Float) -> Tensor {
        Tensor(uninitializedShape: shape) { out in
            storage.withUnsafeBufferPointer { x in
                ElementwiseKernel.map(x.baseAddress!, out.baseAddress!, count: x.count, transform)
            }
        }
    }

    /// A tensor of the same shape with the 8-lane function `f` applied (the `FastMath` functions).
    @inline(__always)
    func mapped8(_ f: (Float8) -> Float8) -> Tensor {
        Tensor(uninitializedShape: shape) { out in
            storage.withUnsafeBufferPointer { x in
                FastMath.applyInParallel(x.baseAddress!, out.baseAddress!, x.count, f)
            }
        }
    }

    /// A tensor of the same shape combining `self` and `other` (same shape) element by element.
    @inline(__always)
    func zipped(with other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        check(shape == other.shape, "zipped: shapes \(shape) and \(other.shape) differ")
        return Tensor(uninitializedShape: shape) { out in
            storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { b in
                    ElementwiseKernel.zip(a.baseAddress!, b.baseAddress!, out.baseAddress!, count: a.count, combine)
                }
            }
        }
    }

    /// Combines three same-shaped tensors element by element.
    @inline(__always)
    func zipped(with b: Tensor, _ c: Tensor, _ combine: (Float, Float, Float) -> Float) -> Tensor {
        check(shape == b.shape && shape == c.shape, "zipped: shapes \(shape), \(b.shape), \(c.shape) differ")
        return Tensor(uninitializedShape: shape) { out in
            storage.withUnsafeBufferPointer { x in
                b.storage.withUnsafeBufferPointer { y in
                    c.storage.withUnsafeBufferPointer { z in
                        ElementwiseKernel.zip(
                            x.baseAddress!, y.baseAddress!, z.baseAddress!, out.baseAddress!, count: x.count, combine)
                    }
                }
            }
        }
    }

    /// Adds `other` (same shape) into this tensor, in place when the storage is not shared.
    /// The result is untracked.
    mutating func addInPlace(_ other: Tensor) {
        check(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                ElementwiseKernel.add(b.baseAddress!, into: a.baseAddress!, count: a.count)
            }
        }
        node = nil
    }

    /// Combines two tensors with NumPy broadcasting.
    @inline(__always)
    static func broadcasting(
        _ a: Tensor, _ b: Tensor, op: StaticString, _ combine: (Float, Float) -> Float
    ) -> Tensor {
        if a.shape == b.shape { return a.zipped(with: b, combine) }
        if b.count == 1 && b.rank <= a.rank {
            let s = b.storage[0]
            return a.mapped { combine($0, s) }.reshapedStorage(Broadcast.shape(a.shape, b.shape, op: op))
        }
        if a.count == 1 && a.rank <= b.rank {
            let s = a.storage[0]
            return b.mapped { combine(s, $0) }.reshapedStorage(Broadcast.shape(a.shape, b.shape, op: op))
        }
        let plan = Broadcast.Plan(a.shape, b.shape, op: op)
        return Tensor(uninitializedShape: plan.shape) { out in
            a.storage.withUnsafeBufferPointer { x in
                b.storage.withUnsafeBufferPointer { y in
                    plan.combine(x.baseAddress!, y.baseAddress!, into: out.baseAddress!, count: out.count, combine)
                }
            }
        }
    }

    /// The same storage viewed with another shape of the same element count.
    func reshapedStorage(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// The gradient through ReLU, given the gradient `self` of its result `result`.
    func reluBackward(result: Tensor) -> Tensor {
        Tensor(uninitializedShape: shape) { dx in
            storage.withUnsafeBufferPointer { dy in
                result.withUnsafeBufferPointer { y in
                    ElementwiseKernel.reluBackward(
                        dy.baseAddress!, result: y.baseAddress!, into: dx.baseAddress!, count: dx.count)
                }
            }
        }
    }
}
