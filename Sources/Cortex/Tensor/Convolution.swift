/// 2-D convolution of NHWC `input` `[batch, height, width, inChannels]` with a
/// `[kernelHeight, kernelWidth, inChannels, outChannels]` kernel (cross-correlation, as in Keras),
/// plus an optional `[outChannels]` bias.
///
/// The batch is processed in blocks of whole images split over threads: im2col + GEMM in
/// cache-sized blocks, or Winograd F(2x2, 3x3) GEMMs for 3x3 stride-1 layers with enough
/// channels (see `docs/design.md`). The backward pass computes both gradients block by block.
public func conv2d(
    _ input: Tensor, _ kernel: Tensor, bias: Tensor? = nil,
    strides: (Int, Int) = (1, 1), padding: Padding = .valid
) -> Tensor {
    conv2d(input, kernel, bias: bias, strides: strides, padding: padding, epilogue: .none)
}

/// `conv2d` followed by `epilogue` (ReLU, 2x2 max pooling) applied to each block while it is
/// in cache. `allowWinograd: false` keeps im2col (for tests that compare the two).
func conv2d(
    _ input: Tensor, _ kernel: Tensor, bias: Tensor?, strides: (Int, Int), padding: Padding, epilogue: Epilogue,
    allowWinograd: Bool = true
) -> Tensor {
    check(kernel.rank == 4, "conv2d: kernel must be [kh, kw, cin, cout], got \(kernel.shape)")
    let g = ConvGeometry(
        inputShape: input.shape, window: (kernel.shape[0], kernel.shape[1]), strides: strides,
        padding: padding, op: "conv2d")
    check(
        kernel.shape[2] == g.channels,
        "conv2d: input \(input.shape) has \(g.channels) channels but kernel \(kernel.shape) expects \(kernel.shape[2])")
    let n = kernel.shape[3]
    if let bias { check(bias.shape == [n], "conv2d: bias \(bias.shape) must be [\(n)]") }
    if allowWinograd && WinogradConvolution.applies(g, outChannels: n) {
        return convolution(input, kernel, bias: bias, epilogue: epilogue, WinogradConvolution(g, outChannels: n))
    }
    return convolution(input, kernel, bias: bias, epilogue: epilogue, Im2ColConvolution(g, outChannels: n))
}

/// The convolution op around any `ConvolutionAlgorithm`: buffers, the split over threads,
/// per-thread scratch and partial gradients, and the gradients' assembly.
private func convolution<Algorithm: ConvolutionAlgorithm>(
    _ input: Tensor, _ kernel: Tensor, bias: Tensor?, epilogue: Epilogue, _ algorithm: Algorithm
) -> Tensor {
    let g = algorithm.geometry, n = algorithm.outChannels
    let outputShape = [g.batch, g.outHeight, g.outWidth, n]
    let pooling = epilogue.maxPooling ? ConvolutionPooling(convolutionOutputShape: outputShape) : nil
    let inputs = bias.map { [input, kernel, $0] } ?? [input, kernel]
    // The kernel in the algorithm's form (Winograd's transformed U), or the kernel itself.
    let form =
        algorithm.transformedKernelCount == 0
        ? kernel.storage
        : [Float](unsafeUninitializedCapacity: algorithm.transformedKernelCount) { u, count in
            kernel.withUnsafeBufferPointer { algorithm.transformKernel($0.baseAddress!, into: u.baseAddress!) }
            count = algorithm.transformedKernelCount
        }
    // With pooling the convolution's output is never stored; training records each window's
    // winning position for the backward pass.
    var (pooled, positions) = pooling?.makeBuffers(recording: Tensor.willRecord(inputs: inputs)) ?? ([], [])
    var output = [Float](unsafeUninitializedCapacity: pooling == nil ? g.positions * n : 0) { _, count in
        count = pooling == nil ? g.positions * n : 0
    }
    /// Runs `body` with the op's buffers around the given result buffers.
    func withBuffers<R>(
        output: UnsafeMutablePointer<Float>?, pooled: UnsafeMutablePointer<Float>?,
        positions: UnsafeMutablePointer<Int32>?, _ body: (ConvolutionBuffers) -> R
    ) -> R {
        input.withUnsafeBufferPointer { x in
            form.withUnsafeBufferPointer { w in
                withOptionalBuffer(bias) { b in
                    body(
                        ConvolutionBuffers(
                            input: x.baseAddress!, kernel: w.baseAddress!, bias: b, epilogue: epilogue, output: output,
                            pooling: pooling, pooled: pooled, positions: positions))
                }
            }
        }
    }
    let backend = Backend.current
    withMutableBuffers(&output, &pooled, &positions) { y, p, winners in
        withBuffers(
            output: pooling == nil ? y.baseAddress : nil, pooled: pooling == nil ? nil : p.baseAddress,
            positions: winners.isEmpty ? nil : winners.baseAddress
        ) { io in
            ParallelLoop(count: algorithm.blockCount).run { _, blocks in
                backend.withScratch(algorithm.forwardScratchCount) { scratch in
                    for block in blocks { algorithm.forward(block: block, io, scratch: scratch.baseAddress!) }
                }
            }
        }
    }
    let result = Tensor(shape: pooling?.outputShape ?? outputShape, storage: pooling == nil ? output : pooled)
    return Tensor.recording(result, inputs: inputs) { dy, tracked in
        let wantsBias = inputs.count == 3 && tracked[2]
        let loop = ParallelLoop(count: algorithm.blockCount)
        var kernelPartials = ChunkPartials<Float>(loop, width: tracked[1] ? algorithm.kernelGradientCount : 0)
        var biasPartials = ChunkPartials<Float>(loop, width: wantsBias ? n : 0)
        var dx = [Float](unsafeUninitializedCapacity: tracked[0] ? input.count : 0) { _, count in
            count = tracked[0] ? input.count : 0
        }
        // The backward pass only reads the forward result and the positions.
        withReadOnly(result, positions) { forward, winners in
            withBuffers(
                output: pooling == nil ? forward : nil, pooled: pooling == nil ? nil : forward, positions: winners
            ) { io in
                dy.withUnsafeBufferPointer { d in
                    kernelPartials.withBase { kernelBase in
                        biasPartials.withBase { biasBase in
                            dx.withUnsafeMutableBufferPointer { dxp in
                                loop.run { chunk, blocks in
                                    let gradients = ConvolutionGradients(
                                        output: d.baseAddress!,
                                        kernel: tracked[1] ? kernelBase + chunk * algorithm.kernelGradientCount : nil,
                                        bias: wantsBias ? biasBase + chunk * n : nil,
                                        input: tracked[0] ? dxp.baseAddress : nil)
                                    backend.withScratch(algorithm.backwardScratchCount) { scratch in
                                        for block in blocks {
                                            algorithm.backward(
                                                block: block, io, gradients, scratch: scratch.baseAddress!)
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
            var sum = [Float](repeating: 0, count: algorithm.kernelGradientCount)
            sum.withUnsafeMutableBufferPointer { kernelPartials.sum(into: $0.baseAddress!) }
            grads.append(
                Tensor(uninitializedShape: kernel.shape) { dw in
                    sum.withUnsafeBufferPointer {
                        algorithm.kernelGradient(from: $0.baseAddress!, into: dw.baseAddress!)
                    }
                })
        }
        if wantsBias {
            grads.append(Tensor(uninitializedShape: [n]) { biasPartials.sum(into: $0.baseAddress!) })
        }
        return grads
    }
}

/// Runs `body` with the elements of a tensor and an array as the mutable pointers the buffer
/// types hold; `body` only reads through them.
@inline(__always)
private func withReadOnly<R>(
    _ t: Tensor, _ a: [Int32], _ body: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Int32>?) -> R
) -> R {
    t.withUnsafeBufferPointer { t in
        a.withUnsafeBufferPointer { a in
            body(
                UnsafeMutablePointer(mutating: t.baseAddress),
                a.isEmpty ? nil : UnsafeMutablePointer(mutating: a.baseAddress))
        }
    }
}

/// Runs `body` with mutable pointers into three arrays at once.
@inline(__always)
private func withMutableBuffers<R>(
    _ a: inout [Float], _ b: inout [Float], _ c: inout [Int32],
    _ body: (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Int32>) ->
        R
) -> R {
    a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeMutableBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in body(a, b, c) }
        }
    }
}
