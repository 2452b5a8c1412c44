/// Winograd F(2x2, 3x3) convolution for 3x3, stride-1 layers (Lavin and Gray, 2016).
///
/// Each 2x2 block of outputs (a tile) depends on a 4x4 input patch. After transforming patches
/// (`V = Bᵀ d B`) and kernels (`U = G g Gᵀ`), the tile's 3x3 correlation is 16 element-wise
/// products, and the sum over input channels turns them into 16 independent GEMMs
/// `[tiles, cin] x [cin, cout]`: 16 multiplications per tile instead of 36, 2.25x fewer than
/// im2col's GEMM. The output is `Y = Aᵀ M A`. The transforms only add, subtract and halve,
/// and the backward pass applies the exact adjoint of every step (`A dY Aᵀ`, `B dV Bᵀ`,
/// `Gᵀ dU G`), so the gradients are those of the function computed.
///
/// Layouts, channels innermost as in NHWC: V `[16][tiles][cin]`, U `[16][cin][cout]`, M and
/// its gradient `[16][tiles][cout]`. The transforms run 8 channels at a time, so both channel
/// counts must be multiples of 8. The batch is processed in blocks of whole images whose V and
/// M fit in a per-thread scratch buffer.
struct WinogradConvolution: ConvolutionAlgorithm {
    let g: ConvGeometry
    let outChannels: Int
    let tilesY, tilesX: Int
    let imagesPerBlock: Int
    let blockCount: Int

    /// Whether a convolution with this geometry runs through Winograd: 3x3 kernels, stride 1,
    /// and channel counts that are multiples of 8 and at least 16 (with fewer input channels,
    /// the GEMMs' K is too small to profit).
    static func applies(_ g: ConvGeometry, outChannels: Int) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideY == 1 && g.strideX == 1
            && g.channels >= 16 && g.channels % 8 == 0 && outChannels >= 16 && outChannels % 8 == 0
    }

    /// About 1 MiB (one L2 cache here) of V and M per block: the GEMMs see hundreds of rows, and the block's
    /// transforms still run mostly in cache.
    static let blockFloats = 1 << 18

    init(_ g: ConvGeometry, outChannels: Int) {
        self.g = g
        self.outChannels = outChannels
        tilesY = (g.outHeight + 1) / 2
        tilesX = (g.outWidth + 1) / 2
        let perImage = 16 * tilesY * tilesX * (g.channels + outChannels)
        imagesPerBlock = balancedBlockSize(items: g.batch, largest: Self.blockFloats / perImage)
        blockCount = (g.batch + imagesPerBlock - 1) / imagesPerBlock
    }

    var tilesPerImage: Int { tilesY * tilesX }

    var geometry: ConvGeometry { g }

    func images(ofBlock index: Int) -> Range<Int> {
        index * imagesPerBlock..<Swift.min((index + 1) * imagesPerBlock, g.batch)
    }

    /// Floats of the per-thread scratch: V (or its gradient) and M (or its gradient) of a block.
    private var scratchCount: Int { 16 * imagesPerBlock * tilesPerImage * (g.channels + outChannels) }
    var forwardScratchCount: Int { scratchCount }
    var backwardScratchCount: Int { scratchCount }
    var transformedKernelCount: Int { 16 * g.channels * outChannels }
    var kernelGradientCount: Int { 16 * g.channels * outChannels }

    // MARK: Blocks

    func forward(block index: Int, _ io: ConvolutionBuffers, scratch: UnsafeMutablePointer<Float>) {
        let images = images(ofBlock: index)
        let (cin, cout) = (g.channels, outChannels)
        let tiles = images.count * tilesPerImage
        let v = scratch, m = scratch + 16 * imagesPerBlock * tilesPerImage * cin
        transformInput(io.input, images: images, v)
        // M[ξ] = V[ξ] · U[ξ]: M = tiles, N = cout, K = cin.
        Self.multiply(false, false, tiles, cout, cin, v, tiles * cin, io.kernel, cin * cout, 0, m, tiles * cout)
        if let output = io.output {
            transformOutput(m, images: images, output, bias: io.bias, epilogue: io.epilogue)
        } else {
            transformOutputPooled(
                m, images: images, pooled: io.pooled!, positions: io.positions, bias: io.bias, epilogue: io.epilogue)
        }
    }

    func backward(
        block index: Int, _ io: ConvolutionBuffers, _ gradients: ConvolutionGradients,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let images = images(ofBlock: index)
        let (cin, cout) = (g.channels, outChannels)
        let tiles = images.count * tilesPerImage
        let v = scratch, dm = scratch + 16 * imagesPerBlock * tilesPerImage * cin
        // dM through the epilogue: the ReLU mask and the bias gradient come with the transform;
        // with pooling, straight from the pooled gradient and the recorded positions.
        if io.pooling != nil {
            transformPooledOutputGradient(
                positions: io.positions!, pooled: io.pooled!, pooledGradient: gradients.output,
                epilogue: io.epilogue, images: images, dm, biasGradient: gradients.bias)
        } else {
            transformOutputGradient(
                gradients.output, reluOutput: io.epilogue.relu ? io.output : nil, images: images, dm,
                biasGradient: gradients.bias)
        }
        if let du = gradients.kernel {
            // dU[ξ] += V[ξ]ᵀ · dM[ξ]: M = cin, N = cout, K = tiles.
            transformInput(io.input, images: images, v)
            Self.multiply(true, false, cin, cout, tiles, v, tiles * cin, dm, tiles * cout, 1, du, cin * cout)
        }
        if let dx = gradients.input {
            // dV[ξ] = dM[ξ] · U[ξ]ᵀ: M = tiles, N = cin, K = cout.
            Self.multiply(false, true, tiles, cin, cout, dm, tiles * cout, io.kernel, cin * cout, 0, v, tiles * cin)
            let imageSize = g.height * g.width * cin
            (dx + images.lowerBound * imageSize).initialize(repeating: 0, count: images.count * imageSize)
            scatterInputGradient(v, images: images, dx)
        }
    }

    // MARK: Kernel transforms

    /// U = G g Gᵀ for every (cin, cout) pair of a `[3, 3, cin, cout]` kernel.
    func transformKernel(_ w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let (cin, cout) = (g.channels, outChannels)
        let plane = cin &* cout
        let half = Float8(repeating: 0.5)
        for ci in 0..<cin {
            var co = 0
            while co < cout {
                let offset = ci &* cout &+ co
                @inline(__always) func k(_ i: Int, _ j: Int) -> Float8 { load8(w + ((i &* 3 &+ j) &* plane &+ offset)) }
                // p = G g (4x3), then U = p Gᵀ (4x4), one row of p at a time.
                for r in 0..<4 {
                    let (p0, p1, p2): (Float8, Float8, Float8)
                    switch r {
                    case 0: (p0, p1, p2) = (k(0, 0), k(0, 1), k(0, 2))
                    case 1:
                        (p0, p1, p2) = (
                            (k(0, 0) + k(1, 0) + k(2, 0)) * half, (k(0, 1) + k(1, 1) + k(2, 1)) * half,
                            (k(0, 2) + k(1, 2) + k(2, 2)) * half
                        )
                    case 2:
                        (p0, p1, p2) = (
                            (k(0, 0) - k(1, 0) + k(2, 0)) * half, (k(0, 1) - k(1, 1) + k(2, 1)) * half,
                            (k(0, 2) - k(1, 2) + k(2, 2)) * half
                        )
                    default: (p0, p1, p2) = (k(2, 0), k(2, 1), k(2, 2))
                    }
                    let row = u + ((r &* 4) &* plane &+ offset)
                    store8(p0, row)
                    store8((p0 + p1 + p2) * half, row + plane)
                    store8((p0 - p1 + p2) * half, row + 2 &* plane)
                    store8(p2, row + 3 &* plane)
                }
                co &+= 8
            }
        }
    }

    /// dg = Gᵀ dU G: the kernel gradient `[3, 3, cin, cout]` from the gradient of U.
    func kernelGradient(from du: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        let (cin, cout) = (g.channels, outChannels)
        let plane = cin &* cout
        let half = Float8(repeating: 0.5)
        for ci in 0..<cin {
            var co = 0
            while co < cout {
                let offset = ci &* cout &+ co
                @inline(__always) func d(_ i: Int, _ j: Int) -> Float8 {
                    load8(du + ((i &* 4 &+ j) &* plane &+ offset))
                }
                // q = Gᵀ dU (3x4), then dg = q G (3x3), one row of q at a time.
                for r in 0..<3 {
                    var q = (Float8(), Float8(), Float8(), Float8())
                    for j in 0..<4 {
                        let v: Float8
                        switch r {
                        case 0: v = d(0, j) + (d(1, j) + d(2, j)) * half
                        case 1: v = (d(1, j) - d(2, j)) * half
                        default: v = (d(1, j) + d(2, j)) * half + d(3, j)
                        }
                        switch j {
                        case 0: q.0 = v
                        case 1: q.1 = v
                        case 2: q.2 = v
                        default: q.3 = v
                        }
                    }
                    let row = dw + ((r &* 3) &* plane &+ offset)
                    store8(q.0 + (q.1 + q.2) * half, row)
                    store8((q.1 - q.2) * half, row + plane)
                    store8((q.1 + q.2) * half + q.3, row + 2 &* plane)
                }
                co &+= 8
            }
        }
    }

    // MARK: Tile transforms

    /// V = Bᵀ d B for every tile of `images` (V holds `images.count * tilesPerImage` tiles).
    func transformInput(_ x: UnsafePointer<Float>, images: Range<Int>, _ v: UnsafeMutablePointer<Float>) {
        let (h, w, c) = (g.height, g.width, g.channels)
        let tiles = images.count &* tilesPerImage
        let plane = tiles &* c
        var t = 0
        for b in images {
            let image = x + b &* h &* w &* c
            for ty in 0..<tilesY {
                let y0 = 2 &* ty &- g.padTop
                for tx in 0..<tilesX {
                    let x0 = 2 &* tx &- g.padLeft
                    let inside = y0 >= 0 && y0 &+ 4 <= h && x0 >= 0 && x0 &+ 4 <= w
                    let out = v + t &* c
                    var ch = 0
                    while ch < c {
                        @inline(__always) func d(_ i: Int, _ j: Int) -> Float8 {
                            let (iy, ix) = (y0 &+ i, x0 &+ j)
                            guard inside || (iy >= 0 && iy < h && ix >= 0 && ix < w) else { return Float8() }
                            return load8(image + ((iy &* w &+ ix) &* c &+ ch))
                        }
                        for r in 0..<4 {
                            // Row r of t = Bᵀ d, for the 4 columns.
                            @inline(__always) func tr(_ j: Int) -> Float8 {
                                switch r {
                                case 0: return d(0, j) - d(2, j)
                                case 1: return d(1, j) + d(2, j)
                                case 2: return d(2, j) - d(1, j)
                                default: return d(1, j) - d(3, j)
                                }
                            }
                            let (t0, t1, t2, t3) = (tr(0), tr(1), tr(2), tr(3))
                            // Row r of V = t B.
                            let row = out + ((r &* 4) &* plane &+ ch)
                            store8(t0 - t2, row)
                            store8(t1 + t2, row + plane)
                            store8(t2 - t1, row + 2 &* plane)
                            store8(t1 - t3, row + 3 &* plane)
                        }
                        ch &+= 8
                    }
                    t &+= 1
                }
            }
        }
    }

    /// Y = Aᵀ M A (plus bias, then ReLU) for every tile of `images`, dropping the outputs of
    /// edge tiles that fall outside the image.
    func transformOutput(
        _ m: UnsafePointer<Float>, images: Range<Int>, _ y: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?, epilogue: Epilogue
    ) {
        let relu = epilogue.relu
        let (oh, ow, c) = (g.outHeight, g.outWidth, outChannels)
        let tiles = images.count &* tilesPerImage
        let plane = tiles &* c
        var t = 0
        for b in images {
            let image = y + b &* oh &* ow &* c
            for ty in 0..<tilesY {
                for tx in 0..<tilesX {
                    let tile = m + t &* c
                    let (oy, ox) = (2 &* ty, 2 &* tx)
                    let lastRow = oy &+ 1 < oh, lastColumn = ox &+ 1 < ow
                    var ch = 0
                    while ch < c {
                        let y = outputTile(tile, plane: plane, channel: ch, bias: bias, relu: relu)
                        @inline(__always) func put(_ value: Float8, _ r: Int, _ col: Int) {
                            store8(value, image + (((oy &+ r) &* ow &+ ox &+ col) &* c &+ ch))
                        }
                        put(y.0, 0, 0)
                        if lastColumn { put(y.1, 0, 1) }
                        if lastRow {
                            put(y.2, 1, 0)
                            if lastColumn { put(y.3, 1, 1) }
                        }
                        ch &+= 8
                    }
                    t &+= 1
                }
            }
        }
    }

    /// `transformOutput` followed by the 2x2 max pooling of `ConvolutionPooling`, without
    /// storing the convolution's output: tiles are the pooling windows, so each tile's four
    /// outputs (bias and ReLU applied) go straight to their maximum in `pooled`, and the
    /// winning position (the first on ties, as `PoolingKernel.maxForward2x2` records it) to
    /// `positions` when given. Tiles that no window covers are not computed.
    func transformOutputPooled(
        _ m: UnsafePointer<Float>, images: Range<Int>, pooled: UnsafeMutablePointer<Float>,
        positions: UnsafeMutablePointer<Int32>?, bias: UnsafePointer<Float>?, epilogue: Epilogue
    ) {
        let relu = epilogue.relu
        let c = outChannels
        let (pooledHeight, pooledWidth) = (g.outHeight / 2, g.outWidth / 2)
        let tiles = images.count &* tilesPerImage
        let plane = tiles &* c
        var t = 0
        for b in images {
            for ty in 0..<tilesY {
                for tx in 0..<tilesX {
                    let tile = m + t &* c
                    t &+= 1
                    guard ty < pooledHeight && tx < pooledWidth else { continue }
                    let window = ((b &* pooledHeight &+ ty) &* pooledWidth &+ tx) &* c
                    var ch = 0
                    while ch < c {
                        let (a0, a1, a2, a3) = outputTile(tile, plane: plane, channel: ch, bias: bias, relu: relu)
                        let top = max8(max8(a0, a1), max8(a2, a3))
                        store8(top, pooled + (window &+ ch))
                        if let positions {
                            let p = PoolingKernel.winningPositions(a0, a1, a2, a3, maximum: top)
                            UnsafeMutableRawPointer(positions + (window &+ ch)).storeBytes(of: p, as: SIMD8<Int32>.self)
                        }
                        ch &+= 8
                    }
                }
            }
        }
    }

    /// A tile's four outputs Y = Aᵀ M A (row-major: top left, top right, bottom left, bottom
    /// right) for channels `channel..<channel + 8`, plus bias, then ReLU.
    @inline(__always)
    private func outputTile(
        _ tile: UnsafePointer<Float>, plane: Int, channel ch: Int, bias: UnsafePointer<Float>?, relu: Bool
    ) -> (Float8, Float8, Float8, Float8) {
        @inline(__always) func e(_ i: Int, _ j: Int) -> Float8 { load8(tile + ((i &* 4 &+ j) &* plane &+ ch)) }
        // s = Aᵀ M (2x4), column by column.
        let s00 = e(0, 0) + e(1, 0) + e(2, 0), s10 = e(1, 0) - e(2, 0) - e(3, 0)
        let s01 = e(0, 1) + e(1, 1) + e(2, 1), s11 = e(1, 1) - e(2, 1) - e(3, 1)
        let s02 = e(0, 2) + e(1, 2) + e(2, 2), s12 = e(1, 2) - e(2, 2) - e(3, 2)
        let s03 = e(0, 3) + e(1, 3) + e(2, 3), s13 = e(1, 3) - e(2, 3) - e(3, 3)
        let zero = Float8(), shift = bias.map { load8($0 + ch) } ?? zero
        @inline(__always) func output(_ value: Float8) -> Float8 {
            let v = value + shift
            return relu ? v.replacing(with: zero, where: v .< zero) : v
        }
        return (output(s00 + s01 + s02), output(s01 - s02 - s03), output(s10 + s11 + s12), output(s11 - s12 - s13))
    }

    /// dM = A dY Aᵀ for every tile of `images`; outputs outside the image count as zero.
    ///
    /// With `reluOutput` (the forward output of a fused ReLU), gradients where it is not
    /// positive are dropped on the way in. `biasGradient` (`[cout]`) accumulates the sum of the
    /// tiles' gradients, which is dM's (1, 1) entry.
    func transformOutputGradient(
        _ dy: UnsafePointer<Float>, reluOutput: UnsafePointer<Float>?, images: Range<Int>,
        _ dm: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        let (oh, ow, c) = (g.outHeight, g.outWidth, outChannels)
        let tiles = images.count &* tilesPerImage
        let plane = tiles &* c
        let zero = Float8()
        var t = 0
        for b in images {
            let imageOffset = b &* oh &* ow &* c
            for ty in 0..<tilesY {
                for tx in 0..<tilesX {
                    let (oy, ox) = (2 &* ty, 2 &* tx)
                    let hasRow = oy &+ 1 < oh, hasColumn = ox &+ 1 < ow
                    let out = dm + t &* c
                    var ch = 0
                    while ch < c {
                        @inline(__always) func gy(_ r: Int, _ col: Int) -> Float8 {
                            if (r == 1 && !hasRow) || (col == 1 && !hasColumn) { return zero }
                            let offset = imageOffset &+ ((oy &+ r) &* ow &+ ox &+ col) &* c &+ ch
                            let gradient = load8(dy + offset)
                            guard let reluOutput else { return gradient }
                            return zero.replacing(with: gradient, where: load8(reluOutput + offset) .> zero)
                        }
                        let (g00, g01, g10, g11) = (gy(0, 0), gy(0, 1), gy(1, 0), gy(1, 1))
                        // u = A dY (4x2), then dM = u Aᵀ (4x4), row by row.
                        for r in 0..<4 {
                            let (u0, u1): (Float8, Float8)
                            switch r {
                            case 0: (u0, u1) = (g00, g01)
                            case 1: (u0, u1) = (g00 + g10, g01 + g11)
                            case 2: (u0, u1) = (g00 - g10, g01 - g11)
                            default: (u0, u1) = (-g10, -g11)
                            }
                            let row = out + ((r &* 4) &* plane &+ ch)
                            store8(u0, row)
                            store8(u0 + u1, row + plane)
                            store8(u0 - u1, row + 2 &* plane)
                            store8(-u1, row + 3 &* plane)
                            if r == 1, let biasGradient {
                                store8(load8(biasGradient + ch) + u0 + u1, biasGradient + ch)
                            }
                        }
                        ch &+= 8
                    }
                    t &+= 1
                }
            }
        }
    }

    /// dM = A dY Aᵀ when a 2x2 max pooling follows the convolution (`ConvolutionPooling`):
    /// tiles and pooling windows are the same 2x2 blocks of outputs, so a tile's dY is the
    /// window's pooled gradient at its recorded winning position (0 to 3, row-major) and zero
    /// elsewhere, and dM is that gradient times the outer product of two columns of A. Tiles
    /// that no window covers (an odd last row or column) get zero. With `reluMask`, windows whose
    /// pooled maximum is not positive pass nothing. `biasGradient` accumulates the gradients.
    func transformPooledOutputGradient(
        positions: UnsafePointer<Int32>, pooled: UnsafePointer<Float>, pooledGradient: UnsafePointer<Float>,
        epilogue: Epilogue, images: Range<Int>, _ dm: UnsafeMutablePointer<Float>,
        biasGradient: UnsafeMutablePointer<Float>?
    ) {
        let reluMask = epilogue.relu
        let c = outChannels
        let (pooledHeight, pooledWidth) = (g.outHeight / 2, g.outWidth / 2)
        let tiles = images.count &* tilesPerImage
        let plane = tiles &* c
        let zero = Float8(), one = SIMD8<Int32>(repeating: 1)
        var t = 0
        for b in images {
            for ty in 0..<tilesY {
                for tx in 0..<tilesX {
                    let out = dm + t &* c
                    t &+= 1
                    guard ty < pooledHeight && tx < pooledWidth else {
                        for position in 0..<16 { (out + position &* plane).initialize(repeating: 0, count: c) }
                        continue
                    }
                    let window = ((b &* pooledHeight &+ ty) &* pooledWidth &+ tx) &* c
                    var ch = 0
                    while ch < c {
                        var d = load8(pooledGradient + (window &+ ch))
                        if reluMask { d = zero.replacing(with: d, where: load8(pooled + (window &+ ch)) .> zero) }
                        if let biasGradient { store8(load8(biasGradient + ch) + d, biasGradient + ch) }
                        let p = UnsafeRawPointer(positions + (window &+ ch)).loadUnaligned(as: SIMD8<Int32>.self)
                        let bottom = (p &>> 1) .== one, right = (p & one) .== one
                        // Column r of A is (1, 1, 1, 0) for the top row, (0, 1, -1, -1) for the
                        // bottom one; likewise for the columns: dM[i][j] = d · A[i][r] · A[j][c].
                        let u0 = d.replacing(with: zero, where: bottom), u1 = d
                        let u2 = d.replacing(with: -d, where: bottom), u3 = zero.replacing(with: -d, where: bottom)
                        @inline(__always) func putRow(_ u: Float8, _ i: Int) {
                            let row = out + ((i &* 4) &* plane &+ ch)
                            store8(u.replacing(with: zero, where: right), row)
                            store8(u, row + plane)
                            store8(u.replacing(with: -u, where: right), row + 2 &* plane)
                            store8(zero.replacing(with: -u, where: right), row + 3 &* plane)
                        }
                        putRow(u0, 0)
                        putRow(u1, 1)
                        putRow(u2, 2)
                        putRow(u3, 3)
                        ch &+= 8
                    }
                }
            }
        }
    }

    /// Adds dd = B dV Bᵀ of every tile of `images` onto the input positions of its patch
    /// (patches overlap by two pixels); positions in the padding are dropped.
    func scatterInputGradient(_ dv: UnsafePointer<Float>, images: Range<Int>, _ dx: UnsafeMutablePointer<Float>) {
        let (h, w, c) = (g.height, g.width, g.channels)
        let tiles = images.count &* tilesPerImage
        let plane = tiles &* c
        var t = 0
        for b in images {
            let image = dx + b &* h &* w &* c
            for ty in 0..<tilesY {
                let y0 = 2 &* ty &- g.padTop
                for tx in 0..<tilesX {
                    let x0 = 2 &* tx &- g.padLeft
                    let inside = y0 >= 0 && y0 &+ 4 <= h && x0 >= 0 && x0 &+ 4 <= w
                    let tile = dv + t &* c
                    var ch = 0
                    while ch < c {
                        @inline(__always) func e(_ i: Int, _ j: Int) -> Float8 {
                            load8(tile + ((i &* 4 &+ j) &* plane &+ ch))
                        }
                        // w = B dV (4x4) row by row, then dd row = (B applied to w's row).
                        for r in 0..<4 {
                            @inline(__always) func wr(_ j: Int) -> Float8 {
                                switch r {
                                case 0: return e(0, j)
                                case 1: return e(1, j) - e(2, j) + e(3, j)
                                case 2: return e(1, j) + e(2, j) - e(0, j)
                                default: return -e(3, j)
                                }
                            }
                            let (w0, w1, w2, w3) = (wr(0), wr(1), wr(2), wr(3))
                            let iy = y0 &+ r
                            if !inside && (iy < 0 || iy >= h) { continue }
                            @inline(__always) func add(_ value: Float8, _ j: Int) {
                                let ix = x0 &+ j
                                if !inside && (ix < 0 || ix >= w) { return }
                                let p = image + ((iy &* w &+ ix) &* c &+ ch)
                                store8(load8(p) + value, p)
                            }
                            add(w0, 0)
                            add(w1 - w2 + w3, 1)
                            add(w1 + w2 - w0, 2)
                            add(-w3, 3)
                        }
                        ch &+= 8
                    }
                    t &+= 1
                }
            }
        }
    }

    // MARK: The 16 products

    /// For each of the 16 transform positions, `c[k] = alpha * op(a[k]) * op(b[k]) + beta * c[k]`
    /// on the calling thread; strides are those of one position's matrices.
    static func multiply(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int,
        _ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>, _ bStride: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ cStride: Int
    ) {
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        let backend = Backend.current
        for position in 0..<16 {
            backend.sgemm(
                transposeA, transposeB, m, n, k, 1, a + position * aStride, lda, b + position * bStride, ldb, beta,
                c + position * cStride, n)
        }
    }
}
