/// Differentiable reshaping, transposition, slicing and concatenation.
extension Tensor {
    /// The same elements with a new shape; one axis may be `-1` to be inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            check(known > 0 && count % known == 0, "reshaped: cannot reshape \(shape) to \(newShape)")
            target[inferred] = count / known
        }
        check(
            target.allSatisfy { $0 >= 0 } && target.reduce(1, *) == count,
            "reshaped: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let inputShape = shape
        return Tensor.recording(reshapedStorage(target), inputs: [self]) { g, _ in [g.reshapedStorage(inputShape)] }
    }

    /// Reverses the order of the axes (for a matrix, the usual transpose).
    public func transposed() -> Tensor { transposed(permutation: Array((0..<rank).reversed())) }

    /// Reorders the axes: axis `i` of the result is axis `permutation[i]` of `self`.
    public func transposed(permutation: [Int]) -> Tensor {
        check(
            permutation.sorted() == Array(0..<rank),
            "transposed: \(permutation) is not a permutation of the axes of \(shape)")
        let outShape = permutation.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let strides = permutation.map { inStrides[$0] }
        let result = Tensor(uninitializedShape: outShape) { out in
            storage.withUnsafeBufferPointer { x in
                guard out.count > 0 else { return }
                if rank == 2 {
                    let rows = outShape[0], cols = outShape[1], s0 = strides[0], s1 = strides[1]
                    for r in 0..<rows { for c in 0..<cols { out[r * cols + c] = x[r * s0 + c * s1] } }
                    return
                }
                var index = [Int](repeating: 0, count: rank)
                var offset = 0
                for o in 0..<out.count {
                    out[o] = x[offset]
                    var axis = rank - 1
                    while axis >= 0 {
                        index[axis] += 1
                        offset += strides[axis]
                        if index[axis] < outShape[axis] { break }
                        offset -= strides[axis] * index[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return Tensor.recording(result, inputs: [self]) { g, _ in [g.transposed(permutation: inverse)] }
    }

    /// Adds a size-1 axis at `axis`.
    public func expandingShape(at axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Removes size-1 axes (all of them when `axes` is empty).
    public func squeezingShape(at axes: [Int] = []) -> Tensor {
        let normalized =
            axes.isEmpty ? shape.indices.filter { shape[$0] == 1 } : normalizedAxes(axes, op: "squeezingShape")
        return reshaped(shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element))
    }

    /// Keeps `range` of axis `axis`.
    public func slice(_ range: Range<Int>, alongAxis axis: Int = 0) -> Tensor {
        let axis = normalizedAxes([axis], op: "slice")[0]
        check(
            range.lowerBound >= 0 && range.upperBound <= shape[axis],
            "slice: range \(range) is out of bounds for axis \(axis) of \(shape)")
        let (outer, length, inner) = ReductionKernel.view(shape, axis: axis)
        var outShape = shape
        outShape[axis] = range.count
        let run = range.count * inner
        let result = Tensor(uninitializedShape: outShape) { out in
            storage.withUnsafeBufferPointer { x in
                for o in 0..<outer {
                    let src = x.baseAddress! + (o * length + range.lowerBound) * inner
                    (out.baseAddress! + o * run).update(from: src, count: run)
                }
            }
        }
        let inputShape = shape
        return Tensor.recording(result, inputs: [self]) { g, _ in
            var grad = Tensor(zeros: inputShape)
            grad.storage.withUnsafeMutableBufferPointer { dx in
                g.storage.withUnsafeBufferPointer { dy in
                    for o in 0..<outer {
                        let dst = dx.baseAddress! + (o * length + range.lowerBound) * inner
                        dst.update(from: dy.baseAddress! + o * run, count: run)
                    }
                }
            }
            return [grad]
        }
    }

    /// The rows `range` of the first axis.
    public subscript(range: Range<Int>) -> Tensor { slice(range, alongAxis: 0) }

    /// The slice at `index` of the first axis, with that axis removed.
    public subscript(index: Int) -> Tensor {
        var s = shape
        s.removeFirst()
        return slice(index..<(index + 1), alongAxis: 0).reshaped(s)
    }

    /// Joins tensors along `axis`; all other axes must agree.
    public static func concatenating(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        check(!tensors.isEmpty, "concatenating: needs at least one tensor")
        let first = tensors[0]
        let axis = first.normalizedAxes([axis], op: "concatenating")[0]
        for t in tensors {
            var a = t.shape, b = first.shape
            check(a.count == b.count, "concatenating: shapes \(first.shape) and \(t.shape) differ in rank")
            a[axis] = 0
            b[axis] = 0
            check(a == b, "concatenating: shapes \(first.shape) and \(t.shape) differ off axis \(axis)")
        }
        let lengths = tensors.map { $0.shape[axis] }
        let total = lengths.reduce(0, +)
        var outShape = first.shape
        outShape[axis] = total
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        let result = Tensor(uninitializedShape: outShape) { out in
            var start = 0
            for (t, length) in zip(tensors, lengths) {
                t.storage.withUnsafeBufferPointer { x in
                    for o in 0..<outer {
                        (out.baseAddress! + (o * total + start) * inner)
                            .update(from: x.baseAddress! + o * length * inner, count: length * inner)
                    }
                }
                start += length
            }
        }
        return recording(result, inputs: tensors) { g, tracked in
            var grads: [Tensor] = []
            var start = 0
            for (i, length) in lengths.enumerated() {
                if tracked[i] { grads.append(g.slice(start..<(start + length), alongAxis: axis)) }
                start += length
            }
            return grads
        }
    }

    /// The rows of the first axis at `indices`, in that order (rows may repeat). The gradient
    /// is added back into the rows it came from.
    public func gatheringRows(_ indices: some Collection<Int>) -> Tensor {
        let rowSize = shape.dropFirst().reduce(1, *)
        let rows = Array(indices)
        var outShape = shape
        outShape[0] = rows.count
        let result = Tensor(uninitializedShape: outShape) { out in
            storage.withUnsafeBufferPointer { x in
                for (o, i) in rows.enumerated() {
                    check(i >= 0 && i < shape[0], "gatheringRows: row \(i) out of range for \(shape)")
                    (out.baseAddress! + o * rowSize).update(from: x.baseAddress! + i * rowSize, count: rowSize)
                }
            }
        }
        let inputShape = shape
        return Tensor.recording(result, inputs: [self]) { g, _ in
            var grad = Tensor(zeros: inputShape)
            grad.storage.withUnsafeMutableBufferPointer { dx in
                g.storage.withUnsafeBufferPointer { dy in
                    for (o, i) in rows.enumerated() {
                        for j in 0..<rowSize { dx[i * rowSize + j] += dy[o * rowSize + j] }
                    }
                }
            }
            return [grad]
        }
    }
}
