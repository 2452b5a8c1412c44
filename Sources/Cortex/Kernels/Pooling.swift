/// Max and average pooling over NHWC images; channels are the contiguous inner loop.
enum PoolingKernel {
    /// Writes window maxima to `y`; padding positions never win.
    static func maxForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let (h, w, c) = (g.height, g.width, g.channels)
        // The common 2x2, stride-2, unpadded case: four contiguous channel rows per output.
        if isTwoByTwo(g) {
            parallelChunks(g.batch * g.outHeight) { maxForward2x2(x, y, g, rows: $0) }
            return
        }
        parallelChunks(g.batch) { images in
            for b in images {
                for oy in 0..<g.outHeight {
                    let (y0, y1) = window(oy, g.strideY, g.padTop, g.kernelHeight, h)
                    for ox in 0..<g.outWidth {
                        let (x0, x1) = window(ox, g.strideX, g.padLeft, g.kernelWidth, w)
                        let o = y + ((b * g.outHeight + oy) * g.outWidth + ox) * c
                        o.update(from: x + ((b * h + y0) * w + x0) * c, count: c)
                        for iy in y0..<y1 {
                            for ix in x0..<x1 {
                                let i = x + ((b * h + iy) * w + ix) * c
                                for ch in 0..<c { o[ch] = Swift.max(o[ch], i[ch]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Routes each output gradient to the first position of its window that holds the
    /// maximum (found again by comparing with the forward output); `dx` must start zeroed
    /// unless `maxBackwardCoversInput`.
    static func maxBackward(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        if isTwoByTwo(g) {
            parallelChunks(g.batch * g.outHeight) { maxBackward2x2(x, y, dy, dx, g, rows: $0) }
            return
        }
        parallelChunks(g.batch) { images in
            for b in images {
                for oy in 0..<g.outHeight {
                    let (y0, y1) = window(oy, g.strideY, g.padTop, g.kernelHeight, h)
                    for ox in 0..<g.outWidth {
                        let (x0, x1) = window(ox, g.strideX, g.padLeft, g.kernelWidth, w)
                        let o = ((b * g.outHeight + oy) * g.outWidth + ox) * c
                        for ch in 0..<c {
                            let target = y[o + ch]
                            search: for iy in y0..<y1 {
                                for ix in x0..<x1 {
                                    let i = ((b * h + iy) * w + ix) * c + ch
                                    if x[i] == target || target.isNaN {
                                        dx[i] += dy[o + ch]
                                        break search
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The 2x2 fast path of `maxForward` for output rows `rows` (index `b * outHeight + oy`).
    static func maxForward2x2(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, rows: Range<Int>
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        for row in rows {
            let (b, oy) = row.quotientAndRemainder(dividingBy: g.outHeight)
            let top = x + ((b * h + 2 * oy) * w) * c, bottom = top + w * c
            let out = y + row * g.outWidth * c
            for ox in 0..<g.outWidth {
                let i = 2 * ox * c, o = ox * c
                var ch = 0
                while ch + 8 <= c {
                    let a = max8(load8(top + i + ch), load8(top + i + c + ch))
                    let d = max8(load8(bottom + i + ch), load8(bottom + i + c + ch))
                    store8(max8(a, d), out + o + ch)
                    ch += 8
                }
                for ch in ch..<c {
                    let a = Swift.max(top[i + ch], top[i + c + ch])
                    let d = Swift.max(bottom[i + ch], bottom[i + c + ch])
                    out[o + ch] = Swift.max(a, d)
                }
            }
        }
    }

    /// `maxForward2x2` that also records, per output, which window position held the maximum
    /// (0 top left, 1 top right, 2 bottom left, 3 bottom right; the first on ties, as
    /// `maxBackward` routes), so that the backward pass need not read the input again.
    static func maxForward2x2(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, positions: UnsafeMutablePointer<Int32>,
        _ g: ConvGeometry, rows: Range<Int>
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        for row in rows {
            let (b, oy) = row.quotientAndRemainder(dividingBy: g.outHeight)
            let top = x + ((b * h + 2 * oy) * w) * c, bottom = top + w * c
            let out = y + row * g.outWidth * c, position = positions + row * g.outWidth * c
            for ox in 0..<g.outWidth {
                let i = 2 * ox * c, o = ox * c
                var ch = 0
                while ch + 8 <= c {
                    let (a0, a1) = (load8(top + i + ch), load8(top + i + c + ch))
                    let (a2, a3) = (load8(bottom + i + ch), load8(bottom + i + c + ch))
                    let m = max8(max8(a0, a1), max8(a2, a3))
                    let p = winningPositions(a0, a1, a2, a3, maximum: m)
                    store8(m, out + o + ch)
                    UnsafeMutableRawPointer(position + o + ch).storeBytes(of: p, as: SIMD8<Int32>.self)
                    ch += 8
                }
                for ch in ch..<c {
                    let (a0, a1) = (top[i + ch], top[i + c + ch])
                    let (a2, a3) = (bottom[i + ch], bottom[i + c + ch])
                    let m = Swift.max(Swift.max(a0, a1), Swift.max(a2, a3))
                    out[o + ch] = m
                    position[o + ch] = a0 == m ? 0 : a1 == m ? 1 : a2 == m ? 2 : 3
                }
            }
        }
    }

    /// Per lane, the first of a 2x2 window's values (row-major) equal to its maximum: 0 to 3, and
    /// 3 when none is (a NaN maximum), as `maxBackward` routes gradients.
    @inline(__always)
    static func winningPositions(_ a0: Float8, _ a1: Float8, _ a2: Float8, _ a3: Float8, maximum m: Float8)
        -> SIMD8<Int32>
    {
        var p = SIMD8<Int32>(repeating: 3)
        p.replace(with: SIMD8<Int32>(repeating: 2), where: a2 .== m)
        p.replace(with: SIMD8<Int32>(repeating: 1), where: a1 .== m)
        p.replace(with: SIMD8<Int32>(), where: a0 .== m)
        return p
    }

    /// The backward pass of `maxForward2x2(_:_:positions:_:rows:)`: each output gradient goes to
    /// the recorded position of its window, zero elsewhere (and to inputs no window covers).
    /// `positions` and `dy` are indexed by output row, `dx` by absolute input position.
    static func unpool2x2(
        positions: UnsafePointer<Int32>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
        _ g: ConvGeometry, rows: Range<Int>
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        let zero = Float8()
        let (one, two, three) = (SIMD8<Int32>(repeating: 1), SIMD8<Int32>(repeating: 2), SIMD8<Int32>(repeating: 3))
        for row in rows {
            let (b, oy) = row.quotientAndRemainder(dividingBy: g.outHeight)
            let offset = ((b * h + 2 * oy) * w) * c
            let dTop = dx + offset, dBottom = dTop + w * c
            let grad = dy + row * g.outWidth * c
            let position = positions + row * g.outWidth * c
            zeroUncovered(dTop, dBottom, g, outputRow: oy)
            for ox in 0..<g.outWidth {
                let i = 2 * ox * c, o = ox * c
                var ch = 0
                while ch + 8 <= c {
                    let d = load8(grad + o + ch)
                    let p = UnsafeRawPointer(position + o + ch).loadUnaligned(as: SIMD8<Int32>.self)
                    store8(zero.replacing(with: d, where: p .== SIMD8<Int32>()), dTop + i + ch)
                    store8(zero.replacing(with: d, where: p .== one), dTop + i + c + ch)
                    store8(zero.replacing(with: d, where: p .== two), dBottom + i + ch)
                    store8(zero.replacing(with: d, where: p .== three), dBottom + i + c + ch)
                    ch += 8
                }
                for ch in ch..<c {
                    let d = grad[o + ch]
                    let p = position[o + ch]
                    dTop[i + ch] = p == 0 ? d : 0
                    dTop[i + c + ch] = p == 1 ? d : 0
                    dBottom[i + ch] = p == 2 ? d : 0
                    dBottom[i + c + ch] = p == 3 ? d : 0
                }
            }
        }
    }

    /// The 2x2 fast path of `maxBackward` for output rows `rows`: disjoint windows, so every
    /// input is written exactly once, branch-free (inputs no window covers get zero).
    static func maxBackward2x2(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry, rows: Range<Int>
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        for row in rows {
            let (b, oy) = row.quotientAndRemainder(dividingBy: g.outHeight)
            let offset = ((b * h + 2 * oy) * w) * c
            let top = x + offset, bottom = top + w * c
            let dTop = dx + offset, dBottom = dTop + w * c
            let out = y + row * g.outWidth * c, grad = dy + row * g.outWidth * c
            let zero = Float8()
            zeroUncovered(dTop, dBottom, g, outputRow: oy)
            for ox in 0..<g.outWidth {
                let i = 2 * ox * c, o = ox * c
                var ch = 0
                while ch + 8 <= c {
                    let target = load8(out + o + ch), d = load8(grad + o + ch)
                    let first = load8(top + i + ch) .== target
                    let second = (load8(top + i + c + ch) .== target) .& .!first
                    let taken = first .| second
                    let third = (load8(bottom + i + ch) .== target) .& .!taken
                    let fourth = .!(taken .| third)
                    store8(zero.replacing(with: d, where: first), dTop + i + ch)
                    store8(zero.replacing(with: d, where: second), dTop + i + c + ch)
                    store8(zero.replacing(with: d, where: third), dBottom + i + ch)
                    store8(zero.replacing(with: d, where: fourth), dBottom + i + c + ch)
                    ch += 8
                }
                for ch in ch..<c {
                    let target = out[o + ch], d = grad[o + ch]
                    let first = top[i + ch] == target
                    let second = !first && top[i + c + ch] == target
                    let third = !first && !second && bottom[i + ch] == target
                    let fourth = !first && !second && !third
                    dTop[i + ch] = first ? d : 0
                    dTop[i + c + ch] = second ? d : 0
                    dBottom[i + ch] = third ? d : 0
                    dBottom[i + c + ch] = fourth ? d : 0
                }
            }
        }
    }

    /// Zeroes the inputs of a 2x2 output row's two input rows that no window covers (an odd last
    /// column), and after the last output row, an odd last input row.
    @inline(__always)
    private static func zeroUncovered(
        _ dTop: UnsafeMutablePointer<Float>, _ dBottom: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
        outputRow oy: Int
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        let covered = 2 * g.outWidth * c
        if covered < w * c {
            (dTop + covered).initialize(repeating: 0, count: w * c - covered)
            (dBottom + covered).initialize(repeating: 0, count: w * c - covered)
        }
        if oy == g.outHeight - 1 && 2 * g.outHeight < h {
            (dBottom + w * c).initialize(repeating: 0, count: (h - 2 * g.outHeight) * w * c)
        }
    }

    /// Whether the pooling is the common 2x2 window with stride 2 and every window inside the image.
    static func isTwoByTwo(_ g: ConvGeometry) -> Bool {
        g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideY == 2 && g.strideX == 2
            && 2 * g.outHeight <= g.height && 2 * g.outWidth <= g.width
    }

    /// Whether `maxBackward` writes every element of `dx` itself (no zero-fill needed first).
    static func maxBackwardCoversInput(_ g: ConvGeometry) -> Bool {
        isTwoByTwo(g)
    }

    /// The input rows (or columns) `lo..<hi` of output position `o`, clipped to the image.
    @inline(__always)
    static func window(_ o: Int, _ stride: Int, _ pad: Int, _ size: Int, _ extent: Int) -> (Int, Int) {
        (Swift.max(o * stride - pad, 0), Swift.min(o * stride - pad + size, extent))
    }

    /// Averages each window over its positions inside the image (padding is not counted).
    static func averageForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let (h, w, c) = (g.height, g.width, g.channels)
        parallelChunks(g.batch) { images in
            for b in images {
                for oy in 0..<g.outHeight {
                    let y0 = Swift.max(oy * g.strideY - g.padTop, 0)
                    let y1 = Swift.min(oy * g.strideY - g.padTop + g.kernelHeight, h)
                    for ox in 0..<g.outWidth {
                        let x0 = Swift.max(ox * g.strideX - g.padLeft, 0)
                        let x1 = Swift.min(ox * g.strideX - g.padLeft + g.kernelWidth, w)
                        let o = ((b * g.outHeight + oy) * g.outWidth + ox) * c
                        for ch in 0..<c { y[o + ch] = 0 }
                        for iy in y0..<y1 {
                            for ix in x0..<x1 {
                                let i = ((b * h + iy) * w + ix) * c
                                for ch in 0..<c { y[o + ch] += x[i + ch] }
                            }
                        }
                        let scale = 1 / Float((y1 - y0) * (x1 - x0))
                        for ch in 0..<c { y[o + ch] *= scale }
                    }
                }
            }
        }
    }

    /// Spreads each output gradient evenly over its window; `dx` must start zeroed.
    static func averageBackward(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let (h, w, c) = (g.height, g.width, g.channels)
        parallelChunks(g.batch) { images in
            for b in images {
                for oy in 0..<g.outHeight {
                    let y0 = Swift.max(oy * g.strideY - g.padTop, 0)
                    let y1 = Swift.min(oy * g.strideY - g.padTop + g.kernelHeight, h)
                    for ox in 0..<g.outWidth {
                        let x0 = Swift.max(ox * g.strideX - g.padLeft, 0)
                        let x1 = Swift.min(ox * g.strideX - g.padLeft + g.kernelWidth, w)
                        let o = ((b * g.outHeight + oy) * g.outWidth + ox) * c
                        let scale = 1 / Float((y1 - y0) * (x1 - x0))
                        for iy in y0..<y1 {
                            for ix in x0..<x1 {
                                let i = ((b * h + iy) * w + ix) * c
                                for ch in 0..<c { dx[i + ch] += dy[o + ch] * scale }
                            }
                        }
                    }
                }
            }
        }
    }
}
