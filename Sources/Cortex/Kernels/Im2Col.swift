/// im2col and col2im for NHWC images.
///
/// The column matrix has one row per output position `(b, oy, ox)` and one column per
/// `(ky, kx, c)`, which is exactly the row-major layout of a `[kh, kw, cin, cout]` kernel seen as
/// a `[kh * kw * cin, cout]` matrix: a convolution is then a single GEMM.
enum Im2Col {
    /// Floats past the end of a column buffer that `im2col` may overwrite (see `copyShort`).
    static let slack = 4

    /// Copies every receptive field of images `images` of `x` into consecutive rows of `col`
    /// (`[images.count * outH * outW, patchSize]`); padding positions are written as zeros.
    /// `col` must have `slack` writable floats past its end.
    static func im2col(
        _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, images: Range<Int>
    ) {
        let (h, w, c) = (g.height, g.width, g.channels)
        let (kh, kw) = (g.kernelHeight, g.kernelWidth)
        let rowRun = kw &* c
        let imageSize = h &* w &* c
        let shortRuns = rowRun <= 4
        // Wrapping arithmetic throughout: every index here is bounded by the geometry, and the
        // overflow checks otherwise cost as much as the copies for 3-channel input.
        var dst = col
        for b in images {
            let image = x + b &* imageSize
            // Runs of at most 4 floats (1-channel images) are copied as one 4-float vector when
            // 4 floats can be read there; the extra floats land where the next run goes.
            let shortRunsEnd = image + imageSize - 4
            for oy in 0..<g.outHeight {
                let top = oy &* g.strideY &- g.padTop
                for ox in 0..<g.outWidth {
                    let x0 = ox &* g.strideX &- g.padLeft
                    if x0 >= 0 && x0 &+ kw <= w {
                        // The kw pixels of a window row are adjacent in NHWC: one run per row.
                        var src = image + (top &* w &+ x0) &* c
                        for ky in 0..<kh {
                            let iy = top &+ ky
                            if iy >= 0 && iy < h {
                                if shortRuns && src <= shortRunsEnd {
                                    copyShort(src, dst)
                                } else {
                                    copy(src, dst, rowRun)
                                }
                            } else {
                                dst.update(repeating: 0, count: rowRun)
                            }
                            src += w &* c
                            dst += rowRun
                        }
                    } else {
                        for ky in 0..<kh {
                            let iy = top &+ ky
                            for kx in 0..<kw {
                                let ix = x0 &+ kx
                                if iy < 0 || iy >= h || ix < 0 || ix >= w {
                                    dst.update(repeating: 0, count: c)
                                } else {
                                    copy(image + (iy &* w &+ ix) &* c, dst, c)
                                }
                                dst += c
                            }
                        }
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
        let rowRun = kw &* c
        let imageSize = h &* w &* c
        var src = col
        for b in images {
            let image = x + b &* imageSize
            for oy in 0..<g.outHeight {
                let top = oy &* g.strideY &- g.padTop
                for ox in 0..<g.outWidth {
                    let x0 = ox &* g.strideX &- g.padLeft
                    if x0 >= 0 && x0 &+ kw <= w {
                        var dst = image + (top &* w &+ x0) &* c
                        for ky in 0..<kh {
                            let iy = top &+ ky
                            if iy >= 0 && iy < h { add(src, dst, rowRun) }
                            dst += w &* c
                            src += rowRun
                        }
                    } else {
                        for ky in 0..<kh {
                            let iy = top &+ ky
                            for kx in 0..<kw {
                                let ix = x0 &+ kx
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    add(src, image + (iy &* w &+ ix) &* c, c)
                                }
                                src += c
                            }
                        }
                    }
                }
            }
        }
    }

    // Explicit 8-lane chunks: the runs are short (kw * cin floats, 9 for an RGB 3x3 window), and
    // the compiler's own vectorization of a plain loop pays for aliasing checks on every call.
    @inline(__always)
    private static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            store8(load8(src + i), dst + i)
            i += 8
        }
        while i < n {
            dst[i] = src[i]
            i += 1
        }
    }

    /// Copies 4 floats, for a run of at most 4 whose surplus the caller overwrites.
    @inline(__always)
    private static func copyShort(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(dst).storeBytes(
            of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
    }

    @inline(__always)
    private static func add(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            store8(load8(dst + i) + load8(src + i), dst + i)
            i += 8
        }
        while i < n {
            dst[i] += src[i]
            i += 1
        }
    }
}
