/// NumPy broadcasting: the result shape, and a plan for walking both operands over it.
enum Broadcast {
    /// The broadcast shape of `a` and `b`; stops with a message naming `op` when they do not
    /// broadcast.
    static func shape(_ a: [Int], _ b: [Int], op: StaticString) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            check(da == db || da == 1 || db == 1, "\(op): shapes \(a) and \(b) do not broadcast")
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

        /// `out = combine(x, y)` over the broadcast shape (`out` has the plan's element count).
        @inline(__always)
        func combine(
            _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
            _ combine: (Float, Float) -> Float
        ) {
            let inner = self.inner, sa = innerStrideA, sb = innerStrideB
            var index = [Int](repeating: 0, count: outerShape.count)
            var offsetA = 0, offsetB = 0, o = 0
            for _ in 0..<(inner == 0 ? 0 : count / inner) {
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
                    offsetA += outerStridesA[axis]
                    offsetB += outerStridesB[axis]
                    if index[axis] < outerShape[axis] { break }
                    offsetA -= outerStridesA[axis] * index[axis]
                    offsetB -= outerStridesB[axis] * index[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
