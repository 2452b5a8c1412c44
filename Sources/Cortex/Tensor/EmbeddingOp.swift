/// Looks up rows of `table` `[inputDim, outputDim]` at integer `indices` (stored as `Float`, any
/// shape); the result has shape `indices.shape + [outputDim]`. The backward pass scatter-adds the
/// output gradient into the rows that were used.
public func embedding(_ table: Tensor, indices: Tensor) -> Tensor {
    check(table.rank == 2, "embedding: table must be [inputDim, outputDim], got \(table.shape)")
    let (rows, dim) = (table.shape[0], table.shape[1])
    let count = indices.count
    let rowIndices: [Int] = indices.withUnsafeBufferPointer { p in
        (0..<count).map { i in
            let index = Int(p[i])
            check(
                index >= 0 && index < rows && Float(index) == p[i],
                "embedding: index \(p[i]) is not a row of a table with \(rows) rows")
            return index
        }
    }
    let result = Tensor(uninitializedShape: indices.shape + [dim]) { out in
        table.withUnsafeBufferPointer { t in
            for (i, row) in rowIndices.enumerated() {
                (out.baseAddress! + i * dim).update(from: t.baseAddress! + row * dim, count: dim)
            }
        }
    }
    return Tensor.recording(result, inputs: [table]) { dy, _ in
        var grad = Tensor(zeros: table.shape)
        grad.withUnsafeMutableBufferPointer { g in
            dy.withUnsafeBufferPointer { d in
                for (i, row) in rowIndices.enumerated() {
                    for j in 0..<dim { g[row * dim + j] += d[i * dim + j] }
                }
            }
        }
        return [grad]
    }
}
