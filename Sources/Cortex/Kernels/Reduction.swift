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

    /// Adds the column sums of a row-major `[rows, columns]` block to `sums`.
    static func addColumnSums(
        _ p: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let row = p + r &* columns
            var c = 0
            while c + 8 <= columns {
                store8(load8(sums + c) + load8(row + c), sums + c)
                c &+= 8
            }
            for j in c..<columns { sums[j] += row[j] }
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

    /// The index of the first NaN or infinity in `p`, or nil; split over threads.
    static func firstNonFinite(_ p: UnsafeBufferPointer<Float>) -> Int? {
        let base = p.baseAddress
        let loop = ParallelLoop(count: p.count, minimumPerThread: parallelElementThreshold)
        var found = [Int](repeating: Int.max, count: Swift.max(loop.chunks, 1))
        found.withUnsafeMutableBufferPointer { first in
            loop.run { chunk, range in
                // v - v is NaN exactly for NaN and ±inf, and a sum of lanes stays NaN: search
                // element by element only in a chunk that has one.
                var probe = Float8()
                var i = range.lowerBound
                while i + 8 <= range.upperBound {
                    let v = load8(base! + i)
                    probe += v - v
                    i += 8
                }
                var clean = true
                for lane in 0..<8 where probe[lane].isNaN { clean = false }
                for j in i..<range.upperBound where !base![j].isFinite { clean = false }
                if clean { return }
                for j in range where !base![j].isFinite {
                    first[chunk] = j
                    return
                }
            }
        }
        let index = found.min()!
        return index == Int.max ? nil : index
    }
}
