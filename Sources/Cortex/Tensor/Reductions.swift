extension Tensor {
    /// Normalizes possibly negative axes and checks them against the rank.
    func normalizedAxes(_ axes: [Int], op: StaticString) -> [Int] {
        let result = axes.map { axis -> Int in
            let a = axis < 0 ? axis + rank : axis
            check(a >= 0 && a < rank, "\(op): axis \(axis) is out of range for shape \(shape)")
            return a
        }
        return Array(Set(result)).sorted()
    }

    /// Sums along `axes`, keeping them as size-1 axes.
    public func sum(alongAxes axes: [Int]) -> Tensor {
        let axes = normalizedAxes(axes, op: "sum(alongAxes:)")
        var result = self.detached
        for axis in axes { result = result.sumKernel(axis: axis) }
        let inputShape = shape
        return Tensor.recording(result, inputs: [self]) { g, _ in
            [g.broadcast(to: inputShape)]
        }
    }

    /// Sums along `axes`, removing them.
    public func sum(squeezingAxes axes: [Int]) -> Tensor {
        let axes = normalizedAxes(axes, op: "sum(squeezingAxes:)")
        let kept = sum(alongAxes: axes)
        return kept.reshaped(shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let total = storage.withUnsafeBufferPointer { ReductionKernel.sumContiguous($0.baseAddress!, count) }
        let inputShape = shape
        return Tensor.recording(Tensor(total), inputs: [self]) { g, _ in
            [Tensor(repeating: g.storage[0], shape: inputShape)]
        }
    }

    /// Averages along `axes`, keeping them as size-1 axes.
    public func mean(alongAxes axes: [Int]) -> Tensor {
        let axes = normalizedAxes(axes, op: "mean(alongAxes:)")
        let n = axes.map { shape[$0] }.reduce(1, *)
        return sum(alongAxes: axes) * (1 / Float(n))
    }

    /// Averages along `axes`, removing them.
    public func mean(squeezingAxes axes: [Int]) -> Tensor {
        let axes = normalizedAxes(axes, op: "mean(squeezingAxes:)")
        let n = axes.map { shape[$0] }.reduce(1, *)
        return sum(squeezingAxes: axes) * (1 / Float(n))
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// The maximum along `axes`, keeping them as size-1 axes. The gradient flows to the first
    /// maximal element of each reduced slice.
    public func max(alongAxes axes: [Int]) -> Tensor {
        var result = self
        for axis in normalizedAxes(axes, op: "max(alongAxes:)") { result = result.maxAlong(axis: axis) }
        return result
    }

    /// The maximum along `axes`, removing them.
    public func max(squeezingAxes axes: [Int]) -> Tensor {
        let axes = normalizedAxes(axes, op: "max(squeezingAxes:)")
        return max(alongAxes: axes).reshaped(shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    /// The largest element, as a scalar tensor.
    public func max() -> Tensor { reshaped([count]).max(squeezingAxes: [0]) }

    /// The minimum along `axes`, keeping them as size-1 axes.
    public func min(alongAxes axes: [Int]) -> Tensor { -((-self).max(alongAxes: axes)) }

    /// Indices (as `Float`) of the first maximum along `axis`, which is removed. Not differentiable.
    public func argmax(alongAxis axis: Int) -> Tensor {
        let axis = normalizedAxes([axis], op: "argmax(alongAxis:)")[0]
        let (outer, length, inner) = ReductionKernel.view(shape, axis: axis)
        var indices = [Int32](repeating: 0, count: outer * inner)
        var outShape = shape
        outShape.remove(at: axis)
        var scratch = [Float](repeating: 0, count: outer * inner)
        storage.withUnsafeBufferPointer { x in
            scratch.withUnsafeMutableBufferPointer { out in
                indices.withUnsafeMutableBufferPointer { idx in
                    ReductionKernel.max(x, out, idx, outer: outer, length: length, inner: inner)
                }
            }
        }
        return Tensor(indices.map(Float.init), shape: outShape)
    }

    private func sumKernel(axis: Int) -> Tensor {
        let (outer, length, inner) = ReductionKernel.view(shape, axis: axis)
        var outShape = shape
        outShape[axis] = 1
        return Tensor(uninitializedShape: outShape) { out in
            storage.withUnsafeBufferPointer { x in
                ReductionKernel.sum(x, out, outer: outer, length: length, inner: inner)
            }
        }
    }

    private func maxAlong(axis: Int) -> Tensor {
        let (outer, length, inner) = ReductionKernel.view(shape, axis: axis)
        var outShape = shape
        outShape[axis] = 1
        var indices = [Int32](repeating: 0, count: outer * inner)
        let result = Tensor(uninitializedShape: outShape) { out in
            storage.withUnsafeBufferPointer { x in
                indices.withUnsafeMutableBufferPointer { idx in
                    ReductionKernel.max(x, out, idx, outer: outer, length: length, inner: inner)
                }
            }
        }
        let inputShape = shape
        return Tensor.recording(result, inputs: [self]) { g, _ in
            var grad = Tensor(zeros: inputShape)
            grad.storage.withUnsafeMutableBufferPointer { dx in
                g.storage.withUnsafeBufferPointer { dy in
                    for o in 0..<outer {
                        for i in 0..<inner {
                            let k = Int(indices[o * inner + i])
                            dx[(o * length + k) * inner + i] = dy[o * inner + i]
                        }
                    }
                }
            }
            return [grad]
        }
    }

    /// Sums a broadcast gradient back down to `target`, the shape of the operand that was broadcast.
    func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        var result = self
        for axis in axes { result = result.sumKernel(axis: axis) }
        return result.reshapedStorage(target)
    }

    /// Repeats this tensor along size-1 (or missing leading) axes to fill `target`.
    func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        return Tensor.broadcasting(Tensor(zeros: target), self, op: "broadcast(to:)") { _, b in b }
    }
}
