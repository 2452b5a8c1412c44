/// Convolution by im2col + GEMM over blocks of whole images: each block is unrolled into a
/// per-thread column buffer small enough to stay in cache (never a batch-sized one) and
/// multiplied by the kernel seen as a `[kh * kw * cin, cout]` matrix; the result is already NHWC.
/// The backward pass unrolls each block again for the kernel gradient and scatters the column
/// gradient back with col2im. A 1x1, stride-1, unpadded convolution skips the unrolling.
struct Im2ColConvolution: ConvolutionAlgorithm {
    let geometry: ConvGeometry
    let outChannels: Int
    let rowsPerImage: Int
    let imagesPerBlock: Int
    let blockCount: Int
    /// A 1x1 stride-1 unpadded convolution needs no unrolling: the input is the column matrix.
    let pointwise: Bool

    init(_ g: ConvGeometry, outChannels: Int) {
        geometry = g
        self.outChannels = outChannels
        rowsPerImage = g.outHeight * g.outWidth
        // About 256 KiB of columns per block (L2-sized), and at least one image.
        let targetRows = Swift.max(64, 65_536 / Swift.max(g.patchSize, 1))
        imagesPerBlock = balancedBlockSize(items: g.batch, largest: targetRows / Swift.max(rowsPerImage, 1))
        blockCount = (g.batch + imagesPerBlock - 1) / imagesPerBlock
        pointwise =
            g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideX == 1 && g.strideY == 1
            && g.padTop == 0 && g.padLeft == 0
    }

    func images(ofBlock index: Int) -> Range<Int> {
        index * imagesPerBlock..<Swift.min((index + 1) * imagesPerBlock, geometry.batch)
    }

    private var maximumRows: Int { imagesPerBlock * rowsPerImage }
    /// The largest block's column matrix and the slack `im2col` may write past it.
    private var columnCount: Int { pointwise ? 0 : maximumRows * geometry.patchSize + Im2Col.slack }
    /// One block of the convolution's output (or of its gradient).
    private var blockOutputCount: Int { maximumRows * outChannels }
    /// One block of the pooled output.
    private var pooledBlockCount: Int {
        imagesPerBlock * (geometry.outHeight / 2) * (geometry.outWidth / 2) * outChannels
    }

    var forwardScratchCount: Int { columnCount + blockOutputCount }
    var backwardScratchCount: Int { columnCount + blockOutputCount + pooledBlockCount }

    var transformedKernelCount: Int { 0 }
    func transformKernel(_ kernel: UnsafePointer<Float>, into transformed: UnsafeMutablePointer<Float>) {}

    var kernelGradientCount: Int { geometry.patchSize * outChannels }
    func kernelGradient(from partial: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        dw.update(from: partial, count: kernelGradientCount)
    }

    /// The column matrix of `images`: unrolled into `scratch`, or the input itself when pointwise.
    private func columns(_ x: UnsafePointer<Float>, _ images: Range<Int>, _ scratch: UnsafeMutablePointer<Float>)
        -> UnsafePointer<Float>
    {
        if pointwise { return x + images.lowerBound * rowsPerImage * geometry.channels }
        Im2Col.im2col(x, scratch, geometry, images: images)
        return UnsafePointer(scratch)
    }

    func forward(block index: Int, _ io: ConvolutionBuffers, scratch: UnsafeMutablePointer<Float>) {
        let images = images(ofBlock: index)
        let (rows, n, k) = (images.count * rowsPerImage, outChannels, geometry.patchSize)
        // Without pooling the block goes straight to the output; with pooling, through scratch.
        let out = io.output.map { $0 + images.lowerBound * rowsPerImage * n } ?? scratch + columnCount
        let col = columns(io.input, images, scratch)
        // M = output positions of the block, N = output channels, K = kh * kw * cin.
        Backend.current.sgemm(false, false, rows, n, k, 1, col, k, io.kernel, n, 0, out, n)
        // Bias and ReLU in one pass over the block's output, while it is in cache.
        EpilogueKernel.apply(out, rows: rows, columns: n, bias: io.bias, relu: io.epilogue.relu)
        io.pooling?.pool(out, images: images, into: io.pooled!, positions: io.positions)
    }

    func backward(
        block index: Int, _ io: ConvolutionBuffers, _ gradients: ConvolutionGradients,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let images = images(ofBlock: index)
        let (rows, n, k) = (images.count * rowsPerImage, outChannels, geometry.patchSize)
        let offset = images.lowerBound * rowsPerImage * n
        let blockGradient = scratch + columnCount
        // The gradient of the block's convolution output, through the epilogue.
        let dy: UnsafePointer<Float>
        if let pooling = io.pooling {
            pooling.outputGradient(
                pooledGradient: gradients.output, pooled: io.pooled!, positions: io.positions!, images: images,
                relu: io.epilogue.relu, biasGradient: gradients.bias, scratch: blockGradient + blockOutputCount,
                into: blockGradient)
            dy = UnsafePointer(blockGradient)
        } else {
            dy = EpilogueKernel.gradient(
                gradients.output + offset, result: io.output! + offset, rows: rows, columns: n,
                relu: io.epilogue.relu, scratch: blockGradient, biasGradient: gradients.bias)
        }
        let backend = Backend.current
        if let dw = gradients.kernel {
            // dW += colᵀ · dY: M = kh*kw*cin, N = cout, K = positions of the block.
            let col = columns(io.input, images, scratch)
            backend.sgemm(true, false, k, n, rows, 1, col, k, dy, n, 1, dw, n)
        }
        if let dx = gradients.input {
            let imageSize = geometry.height * geometry.width * geometry.channels
            let dxImages = dx + images.lowerBound * imageSize
            if pointwise {
                // dX = dY · Wᵀ directly: M = positions, N = cin, K = cout.
                backend.sgemm(false, true, rows, k, n, 1, dy, n, io.kernel, n, 0, dxImages, k)
            } else {
                // dCol = dY · Wᵀ: M = positions, N = kh*kw*cin, K = cout; then col2im.
                backend.sgemm(false, true, rows, k, n, 1, dy, n, io.kernel, n, 0, scratch, k)
                dxImages.initialize(repeating: 0, count: images.count * imageSize)
                Im2Col.col2im(scratch, dx, geometry, images: images)
            }
        }
    }
}
