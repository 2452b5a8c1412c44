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
func conv2d(
    _ input: Tensor, _ kernel: Tensor, bias: Tensor?, strides: (Int, Int), padding: Padding, fusingReLU: Bool
) -> Tensor {
    precondition(kernel.rank == 4, "conv2d: kernel must be [kh, kw, cin, cout], got \(kernel.shape)")
    let g = ConvGeometry(
        inputShape: input.shape, window: (kernel.shape[0], kernel.shape[1]), strides: strides,
        padding: padding, op: "conv2d")
    precondition(
        kernel.shape[2] == g.channels,
        "conv2d: input \(input.shape) has \(g.channels) channels but kernel \(kernel.shape) expects \(kernel.shape[2])")
    let outChannels = kernel.shape[3]
    if let bias { precondition(bias.shape == [outChannels], "conv2d: bias \(bias.shape) must be [\(outChannels)]") }
    let (m, k, n) = (g.positions, g.patchSize, outChannels)
    // A 1x1 stride-1 convolution needs no unrolling: the input already is the column matrix.
    let pointwise = g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideX == 1 && g.strideY == 1 && padding == .valid
    let columns: [Float]
    if pointwise {
        columns = input.storage
    } else {
        columns = [Float](unsafeUninitializedCapacity: m * k) { buffer, initialized in
            input.withUnsafeBufferPointer { Im2Col.im2col($0.baseAddress!, buffer.baseAddress!, g) }
            initialized = m * k
        }
    }
    let result = Tensor(uninitializedShape: [g.batch, g.outHeight, g.outWidth, n]) { y in
        var beta: Float = 0
        if let bias {
            bias.withUnsafeBufferPointer { b in
                for row in 0..<m { (y.baseAddress! + row * n).update(from: b.baseAddress!, count: n) }
            }
            beta = 1
        }
        columns.withUnsafeBufferPointer { col in
            kernel.withUnsafeBufferPointer { w in
                // M = output positions, N = output channels, K = kh * kw * cin.
                sgemm(
                    transposeA: false, transposeB: false, m: m, n: n, k: k,
                    col.baseAddress!, lda: k, w.baseAddress!, ldb: n, beta: beta, y.baseAddress!, ldc: n)
            }
        }
        if fusingReLU { ElementwiseKernel.reluInPlace(y) }
    }
    let inputs = bias.map { [input, kernel, $0] } ?? [input, kernel]
    return Tensor.recording(result, inputs: inputs) { outputGradient, tracked in
        let dy = fusingReLU ? ElementwiseKernel.reluBackward(outputGradient, output: result) : outputGradient
        var grads: [Tensor] = []
        dy.withUnsafeBufferPointer { dyp in
            if tracked[0] {
                grads.append(
                    Tensor(uninitializedShape: input.shape) { dx in
                        kernel.withUnsafeBufferPointer { w in
                            if pointwise {
                                // dX = dY * Wᵀ: M = positions, N = cin, K = cout.
                                sgemm(
                                    transposeA: false, transposeB: true, m: m, n: k, k: n,
                                    dyp.baseAddress!, lda: n, w.baseAddress!, ldb: n, dx.baseAddress!, ldc: k)
                                return
                            }
                            var dcol = [Float](unsafeUninitializedCapacity: m * k) { _, c in c = m * k }
                            dcol.withUnsafeMutableBufferPointer { dc in
                                // dCol = dY * Wᵀ: M = positions, N = kh*kw*cin, K = cout.
                                sgemm(
                                    transposeA: false, transposeB: true, m: m, n: k, k: n,
                                    dyp.baseAddress!, lda: n, w.baseAddress!, ldb: n, dc.baseAddress!, ldc: k)
                                dx.initialize(repeating: 0)
                                Im2Col.col2im(dc.baseAddress!, dx.baseAddress!, g)
                            }
                        }
                    })
            }
            if tracked[1] {
                grads.append(
                    Tensor(uninitializedShape: kernel.shape) { dw in
                        columns.withUnsafeBufferPointer { col in
                            // dW = colᵀ * dY: M = kh*kw*cin, N = cout, K = positions.
                            sgemm(
                                transposeA: true, transposeB: false, m: k, n: n, k: m,
                                col.baseAddress!, lda: k, dyp.baseAddress!, ldb: n, dw.baseAddress!, ldc: n)
                        }
                    })
            }
            if inputs.count == 3 && tracked[2] {
                grads.append(
                    Tensor(uninitializedShape: [n]) { db in
                        ReductionKernel.sum(dyp, db, outer: 1, length: m, inner: n)
                    })
            }
        }
        return grads
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
                            PoolingKernel.maxBackward(x.baseAddress!, y.baseAddress!, d.baseAddress!, dx.baseAddress!, g)
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
