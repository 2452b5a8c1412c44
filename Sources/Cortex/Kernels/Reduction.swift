/// Reduction kernels over one axis of a tensor viewed as `[outer, length, inner]`.
enum ReductionKernel {
    /// The `[outer, length, inner]` view of `shape` around `axis`.
    static func view(_ shape: [Int], axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sums over the middle axis: `out[o, i] = sum_k x[o, k, i]`.
    static func sum(
        _ x: UnsafeBufferPointer<Float>, _ out: UnsafeMutableBufferPointer<Float>,
        outer: Int, length: Int, inner: Int
    ) {
        if inner == 1 {
            for o in 0..<outer {
                out[o] = sumContiguous(x.baseAddress! + o * length, length)
            }
            return
        }
        for o in 0..<outer {
            let row = out.baseAddress! + o * inner
            row.initialize(repeating: 0, count: inner)
            for k in 0..<length {
                let src = x.baseAddress! + (o * length + k) * inner
                for i in 0..<inner { row[i] += src[i] }
            }
        }
    }

    /// A vectorized sum of `count` contiguous floats (several accumulators).
    @inline(__always)
    static func sumContiguous(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= count {
            a0 += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            a1 += UnsafeRawPointer(p + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var total = (a0 + a1).sum()
        while i < count {
            total += p[i]
            i += 1
        }
        return total
    }

    /// Maximum over the middle axis, with the index (along the axis) of the first maximum.
    static func max(
        _ x: UnsafeBufferPointer<Float>, _ out: UnsafeMutableBufferPointer<Float>,
        _ argmax: UnsafeMutableBufferPointer<Int32>, outer: Int, length: Int, inner: Int
    ) {
        for o in 0..<outer {
            for i in 0..<inner {
                var best = -Float.infinity, bestIndex: Int32 = 0
                var first = true
                for k in 0..<length {
                    let v = x[(o * length + k) * inner + i]
                    if first || v > best || v.isNaN {
                        best = v
                        bestIndex = Int32(k)
                        first = false
                        if v.isNaN { break }
                    }
                }
                out[o * inner + i] = best
                argmax[o * inner + i] = bestIndex
            }
        }
    }
}
