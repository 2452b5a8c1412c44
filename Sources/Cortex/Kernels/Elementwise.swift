/// Elementwise kernels over contiguous buffers. Closures passed here are inlined and
/// specialized in release builds, so each loop compiles to a tight (often vector) loop.

/// Below this many elements a loop runs on one thread.
let parallelElementThreshold = 1 << 16

/// The same for loops that evaluate exp or log per element (about 10x the work of an add):
/// splitting pays off at fewer elements.
let parallelTranscendentalThreshold = 1 << 13

extension Tensor {
    /// A tensor of the same shape with `transform` applied to each element.
    @inline(__always)
    func mapped(_ transform: (Float) -> Float) -> Tensor {
        Tensor(uninitializedShape: shape) { out in
            storage.withUnsafeBufferPointer { x in
                let n = x.count
                parallelChunks(n, minimumPerThread: parallelElementThreshold) { range in
                    for i in range { out[i] = transform(x[i]) }
                }
            }
        }
    }

    /// A tensor of the same shape combining `self` and `other` (same shape) element by element.
    @inline(__always)
    func zipped(with other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipped: shapes \(shape) and \(other.shape) differ")
        return Tensor(uninitializedShape: shape) { out in
            storage.withUnsafeBufferPointer { a in
                other.storage.withUnsafeBufferPointer { b in
                    parallelChunks(a.count, minimumPerThread: parallelElementThreshold) { range in
                        for i in range { out[i] = combine(a[i], b[i]) }
                    }
                }
            }
        }
    }

    /// Combines three same-shaped tensors element by element.
    @inline(__always)
    func zipped(with b: Tensor, _ c: Tensor, _ combine: (Float, Float, Float) -> Float) -> Tensor {
        precondition(shape == b.shape && shape == c.shape, "zipped: shapes \(shape), \(b.shape), \(c.shape) differ")
        return Tensor(uninitializedShape: shape) { out in
            storage.withUnsafeBufferPointer { x in
                b.storage.withUnsafeBufferPointer { y in
                    c.storage.withUnsafeBufferPointer { z in
                        for i in 0..<x.count { out[i] = combine(x[i], y[i], z[i]) }
                    }
                }
            }
        }
    }

    /// Adds `other` (same shape) into this tensor, in place when the storage is not shared.
    mutating func addInPlace(_ other: Tensor) {
        precondition(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
        node = nil
        origin = nil
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
                    let inner = plan.inner, sa = plan.innerStrideA, sb = plan.innerStrideB
                    var index = [Int](repeating: 0, count: plan.outerShape.count)
                    var offsetA = 0, offsetB = 0, o = 0
                    for _ in 0..<(inner == 0 ? 0 : out.count / inner) {
                        if sa == 1 && sb == 1 {
                            for j in 0..<inner { out[o + j] = combine(x[offsetA + j], y[offsetB + j]) }
                        } else if sa == 1 {
                            let v = y[offsetB]
                            for j in 0..<inner { out[o + j] = combine(x[offsetA + j], v) }
                        } else if sb == 1 {
                            let v = x[offsetA]
                            for j in 0..<inner { out[o + j] = combine(v, y[offsetB + j]) }
                        } else {
                            let u = x[offsetA], v = y[offsetB]
                            for j in 0..<inner { out[o + j] = combine(u, v) }
                        }
                        o += inner
                        // Advance the outer multi-index like an odometer.
                        var axis = index.count - 1
                        while axis >= 0 {
                            index[axis] += 1
                            offsetA += plan.outerStridesA[axis]
                            offsetB += plan.outerStridesB[axis]
                            if index[axis] < plan.outerShape[axis] { break }
                            offsetA -= plan.outerStridesA[axis] * index[axis]
                            offsetB -= plan.outerStridesB[axis] * index[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
    }

    /// The same storage viewed with another shape of the same element count.
    func reshapedStorage(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }
}

/// NumPy broadcasting rules, computed in one place.
enum Broadcast {
    static func shape(_ a: [Int], _ b: [Int], op: StaticString) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(da == db || da == 1 || db == 1, "\(op): shapes \(a) and \(b) do not broadcast")
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// Strides for walking both operands over the broadcast shape: an outer odometer and a
    /// contiguous (or constant) inner run over the trailing axes that broadcast alike.
    struct Plan {
        let shape: [Int]
        let outerShape: [Int]
        let outerStridesA: [Int]
        let outerStridesB: [Int]
        let inner: Int
        let innerStrideA: Int
        let innerStrideB: Int

        init(_ a: [Int], _ b: [Int], op: StaticString) {
            shape = Broadcast.shape(a, b, op: op)
            let rank = shape.count
            let pa = [Int](repeating: 1, count: rank - a.count) + a
            let pb = [Int](repeating: 1, count: rank - b.count) + b
            func strides(_ dims: [Int]) -> [Int] {
                var s = [Int](repeating: 0, count: rank)
                var running = 1
                for i in stride(from: rank - 1, through: 0, by: -1) {
                    s[i] = dims[i] == 1 ? 0 : running
                    running *= dims[i]
                }
                return s
            }
            let sa = strides(pa), sb = strides(pb)
            // Merge trailing axes while both operands are either contiguous or constant across them.
            var split = rank
            var inner = 1
            let aFull = rank > 0 && pa[rank - 1] != 1 || rank > 0 && shape[rank - 1] == 1
            let bFull = rank > 0 && pb[rank - 1] != 1 || rank > 0 && shape[rank - 1] == 1
            while split > 0 {
                let i = split - 1
                let aOK = aFull ? (pa[i] == shape[i]) : (pa[i] == 1)
                let bOK = bFull ? (pb[i] == shape[i]) : (pb[i] == 1)
                guard aOK && bOK else { break }
                inner *= shape[i]
                split -= 1
            }
            if split == rank {  // Last axis alone (one operand broadcasts along it).
                inner = shape[rank - 1]
                split = rank - 1
                self.innerStrideA = pa[rank - 1] == 1 ? 0 : 1
                self.innerStrideB = pb[rank - 1] == 1 ? 0 : 1
            } else {
                self.innerStrideA = aFull ? 1 : 0
                self.innerStrideB = bFull ? 1 : 0
            }
            self.inner = inner
            outerShape = Array(shape[..<split])
            outerStridesA = Array(sa[..<split])
            outerStridesB = Array(sb[..<split])
        }
    }
}

/// Kernels shared by the fused layer ops.
enum ElementwiseKernel {
    /// max(y, 0) in place.
    static func reluInPlace(_ y: UnsafeMutableBufferPointer<Float>) {
        let p = y.baseAddress!
        parallelChunks(y.count, minimumPerThread: parallelElementThreshold) { range in
            var i = range.lowerBound
            let zero = Float8()
            while i + 8 <= range.upperBound {
                let v = load8(p + i)
                store8(v.replacing(with: zero, where: v .< zero), p + i)
                i += 8
            }
            for j in i..<range.upperBound where p[j] < 0 { p[j] = 0 }
        }
    }

    /// `y[r, c] = max(y[r, c] + bias[c], 0)` (without the max unless `relu`; nothing when there is
    /// neither a bias nor ReLU), over a row-major `[rows, columns]` block.
    static func addBias(_ bias: Tensor?, relu: Bool, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        guard bias != nil || relu else { return }
        let zeros = [Float](repeating: 0, count: bias == nil ? columns : 0)
        (bias?.storage ?? zeros).withUnsafeBufferPointer { bp in
            let b = bp.baseAddress!
            let zero = Float8()
            if columns == 1 {  // one output feature: a flat pass
                let shift = Float8(repeating: b[0])
                var i = 0
                while i + 8 <= rows {
                    let v = load8(y + i) + shift
                    store8(relu ? v.replacing(with: zero, where: v .< zero) : v, y + i)
                    i += 8
                }
                for j in i..<rows {
                    let v = y[j] + b[0]
                    y[j] = relu && v < 0 ? 0 : v
                }
                return
            }
            for r in 0..<rows {
                let row = y + r * columns
                var c = 0
                while c + 8 <= columns {
                    let v = load8(row + c) + load8(b + c)
                    store8(relu ? v.replacing(with: zero, where: v .< zero) : v, row + c)
                    c += 8
                }
                for j in c..<columns {
                    let v = row[j] + b[j]
                    row[j] = relu && v < 0 ? 0 : v
                }
            }
        }
    }

    /// The gradient through ReLU given its output: `dy` where `output > 0`, else 0.
    static func reluBackward(_ dy: Tensor, output: Tensor) -> Tensor {
        Tensor(uninitializedShape: dy.shape) { dx in
            dy.withUnsafeBufferPointer { g in
                output.withUnsafeBufferPointer { y in
                    let (gp, yp, dp) = (g.baseAddress!, y.baseAddress!, dx.baseAddress!)
                    parallelChunks(dx.count, minimumPerThread: parallelElementThreshold) { range in
                        var i = range.lowerBound
                        let zero = Float8()
                        while i + 8 <= range.upperBound {
                            store8(zero.replacing(with: load8(gp + i), where: load8(yp + i) .> zero), dp + i)
                            i += 8
                        }
                        for j in i..<range.upperBound { dp[j] = yp[j] > 0 ? gp[j] : 0 }
                    }
                }
            }
        }
    }

    /// `dx = dy` where `output > 0`, else 0, for a `[rows, columns]` block on the calling
    /// thread; with `columnSums`, also adds the column sums of `dx` to it (a bias gradient).
    static func reluBackward(
        _ dy: UnsafePointer<Float>, output: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
        rows: Int, columns: Int, columnSums: UnsafeMutablePointer<Float>?
    ) {
        let zero = Float8()
        for r in 0..<rows {
            let offset = r &* columns
            var c = 0
            while c + 8 <= columns {
                let v = zero.replacing(with: load8(dy + (offset &+ c)), where: load8(output + (offset &+ c)) .> zero)
                store8(v, dx + (offset &+ c))
                if let columnSums { store8(load8(columnSums + c) + v, columnSums + c) }
                c &+= 8
            }
            for j in c..<columns {
                let v = output[offset &+ j] > 0 ? dy[offset &+ j] : 0
                dx[offset &+ j] = v
                columnSums?[j] += v
            }
        }
    }
}
