/// im2col and col2im for NHWC images.
///
/// The column matrix has one row per output position `(b, oy, ox)` and one column per
/// `(ky, kx, c)`, which is exactly the row-major layout of a `[kh, kw, cin, cout]` kernel seen as
/// a `[kh * kw * cin, cout]` matrix: a convolution is then a single GEMM.
enum Im2Col {
    /// Copies every receptive field of images `images` of `x` into consecutive rows of `col`
    /// (`[images.count * outH * outW, patchSize]`); padding positions are written as zeros.
    static func im2col(
        _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, images: Range<Int>
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let rowRun = kw * c
        for b in images {
            let image = x + b * h * w * c
            var dst = col + (b - images.lowerBound) * g.outHeight * g.outWidth * g.patchSize
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let x0 = ox * g.strideX - g.padLeft
                    let inside = x0 >= 0 && x0 + kw <= w
                    for ky in 0..<kh {
                        let iy = oy * g.strideY - g.padTop + ky
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: rowRun)
                        } else if inside {
                            // The kw pixels of this window row are adjacent in NHWC: one copy.
                            copy(image + (iy * w + x0) * c, dst, rowRun)
                        } else {
                            for kx in 0..<kw {
                                let ix = x0 + kx
                                if ix < 0 || ix >= w {
                                    (dst + kx * c).update(repeating: 0, count: c)
                                } else {
                                    copy(image + (iy * w + ix) * c, dst + kx * c, c)
                                }
                            }
                        }
                        dst += rowRun
                    }
                }
            }
        }
    }

    /// Adds the rows of `col` (images `images`, as `im2col` laid them out) back onto the pixels
    /// they came from; those images of `x` must start zeroed.
    static func col2im(
        _ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ g: ConvGeometry, images: Range<Int>
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let rowRun = kw * c
        for b in images {
            let image = x + b * h * w * c
            var src = col + (b - images.lowerBound) * g.outHeight * g.outWidth * g.patchSize
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let x0 = ox * g.strideX - g.padLeft
                    let inside = x0 >= 0 && x0 + kw <= w
                    for ky in 0..<kh {
                        let iy = oy * g.strideY - g.padTop + ky
                        if iy >= 0 && iy < h {
                            if inside {
                                add(src, image + (iy * w + x0) * c, rowRun)
                            } else {
                                for kx in 0..<kw {
                                    let ix = x0 + kx
                                    if ix >= 0 && ix < w { add(src + kx * c, image + (iy * w + ix) * c, c) }
                                }
                            }
                        }
                        src += rowRun
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = src[i] }
    }

    @inline(__always)
    private static func add(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] += src[i] }
    }
}
