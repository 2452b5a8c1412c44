/// Element-wise kernels over contiguous buffers. Closures passed here are inlined and
/// specialized in release builds, so each loop compiles to a tight (often vector) loop.

/// Below this many elements a loop runs on one thread.
let parallelElementThreshold = 1 << 16

/// The same for loops that evaluate exp or log per element (about 10x the work of an add):
/// splitting pays off at fewer elements.
let parallelTranscendentalThreshold = 1 << 13

enum ElementwiseKernel {
    /// `out[i] = transform(x[i])` for `count` elements, split over threads.
    @inline(__always)
    static func map(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int, _ transform: (Float) -> Float
    ) {
        parallelChunks(count, minimumPerThread: parallelElementThreshold) { range in
            for i in range { out[i] = transform(x[i]) }
        }
    }

    /// `out[i] = combine(a[i], b[i])` for `count` elements, split over threads.
    @inline(__always)
    static func zip(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
        _ combine: (Float, Float) -> Float
    ) {
        parallelChunks(count, minimumPerThread: parallelElementThreshold) { range in
            for i in range { out[i] = combine(a[i], b[i]) }
        }
    }

    /// `out[i] = combine(a[i], b[i], c[i])` for `count` elements.
    @inline(__always)
    static func zip(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, count: Int, _ combine: (Float, Float, Float) -> Float
    ) {
        for i in 0..<count { out[i] = combine(a[i], b[i], c[i]) }
    }

    /// `y[i] += x[i]` for `count` elements.
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += x[i] }
    }

    /// max(y, 0) in place.
    static func reluInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
        parallelChunks(count, minimumPerThread: parallelElementThreshold) { range in
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

    /// `y[r, c] = y[r, c] + v[c]` (then max with 0 when `relu`) over a row-major `[rows, columns]`
    /// block, on the calling thread.
    static func addRowVector(
        _ v: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, relu: Bool
    ) {
        let zero = Float8()
        if columns == 1 {  // one column: a flat pass
            let shift = Float8(repeating: v[0])
            var i = 0
            while i + 8 <= rows {
                let s = load8(y + i) + shift
                store8(relu ? s.replacing(with: zero, where: s .< zero) : s, y + i)
                i += 8
            }
            for j in i..<rows {
                let s = y[j] + v[0]
                y[j] = relu && s < 0 ? 0 : s
            }
            return
        }
        for r in 0..<rows {
            let row = y + r * columns
            var c = 0
            while c + 8 <= columns {
                let s = load8(row + c) + load8(v + c)
                store8(relu ? s.replacing(with: zero, where: s .< zero) : s, row + c)
                c += 8
            }
            for j in c..<columns {
                let s = row[j] + v[j]
                row[j] = relu && s < 0 ? 0 : s
            }
        }
    }

    /// The gradient through ReLU given its result: `dx = dy` where `result > 0`, else 0; split
    /// over threads.
    static func reluBackward(
        _ dy: UnsafePointer<Float>, result y: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        parallelChunks(count, minimumPerThread: parallelElementThreshold) { range in
            var i = range.lowerBound
            let zero = Float8()
            while i + 8 <= range.upperBound {
                store8(zero.replacing(with: load8(dy + i), where: load8(y + i) .> zero), dx + i)
                i += 8
            }
            for j in i..<range.upperBound { dx[j] = y[j] > 0 ? dy[j] : 0 }
        }
    }

    /// `reluBackward` for a `[rows, columns]` block on the calling thread; with `columnSums`, also
    /// adds the column sums of `dx` to it (a bias gradient).
    static func reluBackward(
        _ dy: UnsafePointer<Float>, result y: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
        rows: Int, columns: Int, columnSums: UnsafeMutablePointer<Float>?
    ) {
        let zero = Float8()
        for r in 0..<rows {
            let offset = r &* columns
            var c = 0
            while c + 8 <= columns {
                let v = zero.replacing(with: load8(dy + (offset &+ c)), where: load8(y + (offset &+ c)) .> zero)
                store8(v, dx + (offset &+ c))
                if let columnSums { store8(load8(columnSums + c) + v, columnSums + c) }
                c &+= 8
            }
            for j in c..<columns {
                let v = y[offset &+ j] > 0 ? dy[offset &+ j] : 0
                dx[offset &+ j] = v
                columnSums?[j] += v
            }
        }
    }
}
