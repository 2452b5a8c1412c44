/// 2-D convolution of NHWC `input` `[batch, height, width, inChannels]` with a
/// `[kernelHeight, kernelWidth, inChannels, outChannels]` kernel (cross-correlation, as in Keras),
/// plus an optional `[outChannels]` bias.
///
/// The whole batch is unrolled by im2col into one `[batch * outH * outW, kh * kw * cin]` matrix
/// and multiplied by the kernel in a single `cblas_sgemm`; the result is already NHWC.
/// The backward pass uses two GEMMs (kernel and input gradients) and col2im.
public func conv2d(
    _ input: Tensor, _ kernel: Tensor, bias: Tensor? = nil,
    strides: (Int, Int) = (1, 1), padding: Padding = .valid
) -> Tensor {
    conv2d(input, kernel, bias: bias, strides: strides, padding: padding, fusingReLU: false)
}

/// `conv2d`, optionally followed by ReLU applied in the same pass over the output.
///
/// The batch is processed in blocks of whole images, split across threads: each block is
/// unrolled by im2col into a per-thread buffer small enough to stay in cache and multiplied at
/// once, so no batch-sized column matrix is ever allocated. The backward pass unrolls each block
/// again for the kernel gradient (summing per-thread partials) and scatters the column gradient
/// back with col2im.
///
/// 3x3 stride-1 convolutions with enough channels run through Winograd F(2x2, 3x3) instead
/// (`winogradConv2d`), unless `allowWinograd` is false. With `maxPooling`, the result is the
/// 2x2 max pooling of the convolution (see `ConvolutionPooling`).
func conv2d(
    _ input: Tensor, _ kernel: Tensor, bias: Tensor?, strides: (Int, Int), padding: Padding, fusingReLU: Bool,
    maxPooling: Bool = false, allowWinograd: Bool = true
) -> Tensor {
    precondition(kernel.rank == 4, "conv2d: kernel must be [kh, kw, cin, cout], got \(kernel.shape)")
    let g = ConvGeometry(
        inputShape: input.shape, window: (kernel.shape[0], kernel.shape[1]), strides: strides,
        padding: padding, op: "conv2d")
    precondition(
        kernel.shape[2] == g.channels,
        "conv2d: input \(input.shape) has \(g.channels) channels but kernel \(kernel.shape) expects \(kernel.shape[2])")
    let n = kernel.shape[3]
    if let bias { precondition(bias.shape == [n], "conv2d: bias \(bias.shape) must be [\(n)]") }
    if allowWinograd && WinogradConvolution.applies(g, outChannels: n) {
        return winogradConv2d(
            input, kernel, bias: bias, geometry: g, fusingReLU: fusingReLU, maxPooling: maxPooling)
    }
    let blocks = ConvolutionBlocks(g)
    let k = g.patchSize
    let pooling =
        maxPooling ? ConvolutionPooling(convolutionOutputShape: [g.batch, g.outHeight, g.outWidth, n]) : nil
    let inputs = bias.map { [input, kernel, $0] } ?? [input, kernel]
    // With pooling, the full convolution output is never stored: each block goes through a
    // per-thread buffer; training records each window's winning position for the backward pass.
    let keepsOutput = pooling == nil
    var (pooled, positions) = pooling?.makeBuffers(recording: Tensor.willRecord(inputs: inputs)) ?? ([], [])
    let blockOutput = keepsOutput ? 0 : blocks.maximumRows * n
    func run(_ y: UnsafeMutablePointer<Float>?) {
        pooled.withUnsafeMutableBufferPointer { pooledBuffer in
            positions.withUnsafeMutableBufferPointer { positionBuffer in
                input.withUnsafeBufferPointer { x in
                    _ = kernel.withUnsafeBufferPointer { w in
                        parallelIndexedChunks(blocks.count) { _, range in
                            let scratchCount = (blocks.pointwise ? 0 : blocks.scratchCount) + blockOutput
                            var scratch = [Float](unsafeUninitializedCapacity: scratchCount) { _, c in c = scratchCount
                            }
                            scratch.withUnsafeMutableBufferPointer { buffer in
                                for block in range {
                                    let (images, rows) = blocks.block(block)
                                    let offset = images.lowerBound * blocks.rowsPerImage * n
                                    // `base` addresses the batch's output by absolute image index.
                                    let base = y ?? buffer.baseAddress! + (scratchCount - blockOutput) - offset
                                    let out = base + offset
                                    let col = blocks.columns(x.baseAddress!, images, buffer.baseAddress)
                                    // M = output positions of the block, N = output channels, K = kh * kw * cin.
                                    sgemmSingleThreaded(
                                        false, false, rows, n, k, 1, col, k, w.baseAddress!, n, 0, out, n)
                                    // Bias and ReLU in one pass over the block's output, while it is in cache.
                                    ElementwiseKernel.addBias(bias, relu: fusingReLU, out, rows: rows, columns: n)
                                    pooling?.pool(
                                        base, into: pooledBuffer.baseAddress!,
                                        positions: positionBuffer.isEmpty ? nil : positionBuffer.baseAddress,
                                        images: images
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let result: Tensor
    if keepsOutput {
        result = Tensor(uninitializedShape: [g.batch, g.outHeight, g.outWidth, n]) { run($0.baseAddress!) }
    } else {
        run(nil)
        result = Tensor(zeros: [0])
    }
    let output = pooling.map { Tensor(shape: $0.outputShape, storage: pooled) } ?? result
    return Tensor.recording(output, inputs: inputs) { dy, tracked in
        let threads = Swift.min(Cortex.threadCount, blocks.count)
        let wantsBias = inputs.count == 3 && tracked[2]
        var partialKernelGradients = [Float](repeating: 0, count: tracked[1] ? threads * k * n : 0)
        var partialBiasGradients = [Float](repeating: 0, count: wantsBias ? threads * n : 0)
        var dx = [Float](unsafeUninitializedCapacity: tracked[0] ? input.count : 0) { _, c in
            c = tracked[0] ? input.count : 0
        }
        // Per thread: the block's columns, then (with ReLU or pooling) the block's output gradient.
        let rebuildsGradient = fusingReLU || pooling != nil
        let scratchCount = blocks.scratchCount + (rebuildsGradient ? blocks.maximumRows * n : 0)
        _ = input.withUnsafeBufferPointer { x in
            kernel.withUnsafeBufferPointer { w in
                dy.withUnsafeBufferPointer { d in
                    result.withUnsafeBufferPointer { y in
                        output.withUnsafeBufferPointer { pooledOutput in
                            positions.withUnsafeBufferPointer { recordedPositions in
                                partialKernelGradients.withUnsafeMutableBufferPointer { partials in
                                    partialBiasGradients.withUnsafeMutableBufferPointer { biasPartials in
                                        dx.withUnsafeMutableBufferPointer { dxp in
                                            parallelIndexedChunks(blocks.count) { chunk, range in
                                                var scratch = [Float](unsafeUninitializedCapacity: scratchCount) {
                                                    _, c in
                                                    c = scratchCount
                                                }
                                                scratch.withUnsafeMutableBufferPointer { buffer in
                                                    let biasSums =
                                                        wantsBias ? biasPartials.baseAddress! + chunk * n : nil
                                                    for block in range {
                                                        let (images, rows) = blocks.block(block)
                                                        let offset = images.lowerBound * blocks.rowsPerImage * n
                                                        var dyBlock = d.baseAddress! + offset
                                                        if let pooling {
                                                            // Unpooling, the ReLU mask and the bias gradient, per block.
                                                            let block = buffer.baseAddress! + blocks.scratchCount
                                                            pooling.unpool(
                                                                positions: recordedPositions.baseAddress!,
                                                                pooled: pooledOutput.baseAddress!,
                                                                pooledGradient: d.baseAddress!, images: images,
                                                                into: block,
                                                                reluMask: fusingReLU)
                                                            if let biasSums {
                                                                ReductionKernel.addColumnSums(
                                                                    block, rows: rows, columns: n, into: biasSums)
                                                            }
                                                            dyBlock = UnsafePointer(block)
                                                        } else if fusingReLU {
                                                            // The ReLU mask and the bias gradient in one pass over the block.
                                                            let masked = buffer.baseAddress! + blocks.scratchCount
                                                            ElementwiseKernel.reluBackward(
                                                                dyBlock, output: y.baseAddress! + offset, into: masked,
                                                                rows: rows,
                                                                columns: n, columnSums: biasSums)
                                                            dyBlock = UnsafePointer(masked)
                                                        } else if let biasSums {
                                                            ReductionKernel.addColumnSums(
                                                                dyBlock, rows: rows, columns: n, into: biasSums)
                                                        }
                                                        if tracked[1] {
                                                            let col = blocks.columns(
                                                                x.baseAddress!, images, buffer.baseAddress)
                                                            // dW += colᵀ · dY: M = kh*kw*cin, N = cout, K = positions of the block.
                                                            sgemmSingleThreaded(
                                                                true, false, k, n, rows, 1, col, k, dyBlock, n, 1,
                                                                partials.baseAddress! + chunk * k * n, n)
                                                        }
                                                        if tracked[0] {
                                                            let imageSize = g.height * g.width * g.channels
                                                            let dxImages =
                                                                dxp.baseAddress! + images.lowerBound * imageSize
                                                            if blocks.pointwise {
                                                                // dX = dY · Wᵀ directly: M = positions, N = cin, K = cout.
                                                                sgemmSingleThreaded(
                                                                    false, true, rows, k, n, 1, dyBlock, n,
                                                                    w.baseAddress!,
                                                                    n,
                                                                    0,
                                                                    dxImages, k)
                                                            } else {
                                                                // dCol = dY · Wᵀ: M = positions, N = kh*kw*cin, K = cout.
                                                                sgemmSingleThreaded(
                                                                    false, true, rows, k, n, 1, dyBlock, n,
                                                                    w.baseAddress!,
                                                                    n,
                                                                    0,
                                                                    buffer.baseAddress!, k)
                                                                dxImages.initialize(
                                                                    repeating: 0, count: images.count * imageSize)
                                                                Im2Col.col2im(
                                                                    buffer.baseAddress!, dxp.baseAddress!, g,
                                                                    images: images
                                                                )
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var grads: [Tensor] = []
        if tracked[0] { grads.append(Tensor(shape: input.shape, storage: dx)) }
        if tracked[1] {
            grads.append(
                Tensor(uninitializedShape: kernel.shape) { dw in
                    partialKernelGradients.withUnsafeBufferPointer { p in
                        ReductionKernel.sum(p, dw, outer: 1, length: threads, inner: k * n)
                    }
                })
        }
        if wantsBias {
            grads.append(
                Tensor(uninitializedShape: [n]) { db in
                    partialBiasGradients.withUnsafeBufferPointer { p in
                        ReductionKernel.sum(p, db, outer: 1, length: threads, inner: n)
                    }
                })
        }
        return grads
    }
}

/// How `conv2d` splits a batch into blocks of whole images for im2col + GEMM.
struct ConvolutionBlocks {
    let geometry: ConvGeometry
    let rowsPerImage: Int
    let imagesPerBlock: Int
    let count: Int
    /// A 1x1 stride-1 unpadded convolution needs no unrolling: the input is the column matrix.
    let pointwise: Bool

    init(_ g: ConvGeometry) {
        geometry = g
        rowsPerImage = g.outHeight * g.outWidth
        // About 256 KiB of columns per block (L2-sized), and at least one image.
        let targetRows = Swift.max(64, 65_536 / Swift.max(g.patchSize, 1))
        imagesPerBlock = balancedBlockSize(items: g.batch, largest: targetRows / Swift.max(rowsPerImage, 1))
        count = (g.batch + imagesPerBlock - 1) / imagesPerBlock
        pointwise =
            g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideX == 1 && g.strideY == 1
            && g.padTop == 0 && g.padLeft == 0
    }

    var maximumRows: Int { imagesPerBlock * rowsPerImage }

    /// Floats in a per-thread column buffer (the largest block's im2col matrix and the slack
    /// im2col may write past it).
    var scratchCount: Int { maximumRows * geometry.patchSize + Im2Col.slack }

    /// The images of block `index` and its number of output positions.
    func block(_ index: Int) -> (images: Range<Int>, rows: Int) {
        let start = index * imagesPerBlock, end = Swift.min(start + imagesPerBlock, geometry.batch)
        return (start..<end, (end - start) * rowsPerImage)
    }

    /// The column matrix of `images`: unrolled into `scratch`, or the input itself when pointwise.
    func columns(_ x: UnsafePointer<Float>, _ images: Range<Int>, _ scratch: UnsafeMutablePointer<Float>?)
        -> UnsafePointer<Float>
    {
        if pointwise { return x + images.lowerBound * rowsPerImage * geometry.channels }
        Im2Col.im2col(x, scratch!, geometry, images: images)
        return UnsafePointer(scratch!)
    }
}

/// Max pooling over NHWC input; `strides` default to the pool size, as in Keras.
public func maxPool2d(
    _ input: Tensor, poolSize: (Int, Int), strides: (Int, Int)? = nil, padding: Padding = .valid
) -> Tensor {
    let g = ConvGeometry(
        inputShape: input.shape, window: poolSize, strides: strides ?? poolSize, padding: padding, op: "maxPool2d")
    let result = Tensor(uninitializedShape: [g.batch, g.outHeight, g.outWidth, g.channels]) { y in
        input.withUnsafeBufferPointer { PoolingKernel.maxForward($0.baseAddress!, y.baseAddress!, g) }
    }
    return Tensor.recording(result, inputs: [input]) { dy, _ in
        [
            Tensor(uninitializedShape: input.shape) { dx in
                if !PoolingKernel.maxBackwardCoversInput(g) { dx.initialize(repeating: 0) }
                input.withUnsafeBufferPointer { x in
                    result.withUnsafeBufferPointer { y in
                        dy.withUnsafeBufferPointer { d in
                            PoolingKernel.maxBackward(
                                x.baseAddress!, y.baseAddress!, d.baseAddress!, dx.baseAddress!, g)
                        }
                    }
                }
            }
        ]
    }
}

/// Average pooling over NHWC input; with `.same` padding, each window averages only the
/// positions inside the image (as Keras does).
public func avgPool2d(
    _ input: Tensor, poolSize: (Int, Int), strides: (Int, Int)? = nil, padding: Padding = .valid
) -> Tensor {
    let g = ConvGeometry(
        inputShape: input.shape, window: poolSize, strides: strides ?? poolSize, padding: padding, op: "avgPool2d")
    let result = Tensor(uninitializedShape: [g.batch, g.outHeight, g.outWidth, g.channels]) { y in
        input.withUnsafeBufferPointer { PoolingKernel.averageForward($0.baseAddress!, y.baseAddress!, g) }
    }
    return Tensor.recording(result, inputs: [input]) { dy, _ in
        [
            Tensor(uninitializedShape: input.shape) { dx in
                dx.initialize(repeating: 0)
                dy.withUnsafeBufferPointer { PoolingKernel.averageBackward($0.baseAddress!, dx.baseAddress!, g) }
            }
        ]
    }
}
