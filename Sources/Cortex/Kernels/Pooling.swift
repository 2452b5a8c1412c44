/// Max and average pooling over NHWC images; channels are the contiguous inner loop.
enum PoolingKernel {
    /// Writes window maxima to `y` and the flat input offset of each maximum to `argmax`.
    /// Padding positions never win.
    static func maxForward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ argmax: UnsafeMutablePointer<Int32>,
        _ g: ConvGeometry
    ) {
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
                        let first = ((b * h + y0) * w + x0) * c
                        for ch in 0..<c {
                            y[o + ch] = x[first + ch]
                            argmax[o + ch] = Int32(first + ch)
                        }
                        for iy in y0..<y1 {
                            for ix in x0..<x1 {
                                let i = ((b * h + iy) * w + ix) * c
                                for ch in 0..<c where x[i + ch] > y[o + ch] {
                                    y[o + ch] = x[i + ch]
                                    argmax[o + ch] = Int32(i + ch)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Routes each output gradient to its window's maximum; `dx` must start zeroed.
    static func maxBackward(
        _ dy: UnsafePointer<Float>, _ argmax: UnsafePointer<Int32>, _ dx: UnsafeMutablePointer<Float>,
        _ g: ConvGeometry
    ) {
        let perImage = g.outHeight * g.outWidth * g.channels
        parallelChunks(g.batch) { images in
            for b in images {
                for i in (b * perImage)..<((b + 1) * perImage) { dx[Int(argmax[i])] += dy[i] }
            }
        }
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
