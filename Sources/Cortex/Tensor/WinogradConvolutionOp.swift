/// `conv2d` through Winograd F(2x2, 3x3) (see `WinogradConvolution`), for the geometries where
/// `WinogradConvolution.applies`. The batch is split into blocks of whole images over threads;
/// each block's transforms and 16 GEMMs run on one thread in its own scratch buffer. With
/// `maxPooling`, the result is the 2x2 max pooling of the convolution (`ConvolutionPooling`).
func winogradConv2d(
    _ input: Tensor, _ kernel: Tensor, bias: Tensor?, geometry g: ConvGeometry, fusingReLU: Bool, maxPooling: Bool
) -> Tensor {
    let (cin, cout) = (g.channels, kernel.shape[3])
    let plan = WinogradConvolution(g, outChannels: cout)
    let maximumTiles = plan.imagesPerBlock * plan.tilesPerImage
    var u = [Float](unsafeUninitializedCapacity: 16 * cin * cout) { _, c in c = 16 * cin * cout }
    kernel.withUnsafeBufferPointer { w in
        u.withUnsafeMutableBufferPointer { plan.transformKernel(w.baseAddress!, $0.baseAddress!) }
    }
    let pooling =
        maxPooling ? ConvolutionPooling(convolutionOutputShape: [g.batch, g.outHeight, g.outWidth, cout]) : nil
    let inputs = bias.map { [input, kernel, $0] } ?? [input, kernel]
    // With pooling, the convolution's output is never stored: the output transform pools each
    // tile directly; training records each window's winning position for the backward pass.
    var (pooled, positions) = pooling?.makeBuffers(recording: Tensor.willRecord(inputs: inputs)) ?? ([], [])
    func run(_ y: UnsafeMutablePointer<Float>?) {
        pooled.withUnsafeMutableBufferPointer { pooledBuffer in
            positions.withUnsafeMutableBufferPointer { positionBuffer in
                input.withUnsafeBufferPointer { x in
                    _ = u.withUnsafeBufferPointer { up in
                        (bias?.storage ?? []).withUnsafeBufferPointer { bp in
                            parallelIndexedChunks(plan.blockCount) { _, range in
                                var scratch = [Float](unsafeUninitializedCapacity: plan.scratchCount) { _, c in
                                    c = plan.scratchCount
                                }
                                scratch.withUnsafeMutableBufferPointer { buffer in
                                    let v = buffer.baseAddress!, m = v + 16 * maximumTiles * cin
                                    for block in range {
                                        let images = plan.block(block)
                                        let tiles = images.count * plan.tilesPerImage
                                        plan.transformInput(x.baseAddress!, images: images, v)
                                        // M[ξ] = V[ξ] · U[ξ]: M = tiles, N = cout, K = cin.
                                        WinogradConvolution.multiply(
                                            false, false, tiles, cout, cin, v, tiles * cin, up.baseAddress!, cin * cout,
                                            0,
                                            m, tiles * cout)
                                        let biasPointer = bias == nil ? nil : bp.baseAddress
                                        if let y {
                                            plan.transformOutput(
                                                m, images: images, y, bias: biasPointer, relu: fusingReLU)
                                        } else {
                                            plan.transformOutputPooled(
                                                m, images: images, pooled: pooledBuffer.baseAddress!,
                                                positions: positionBuffer.isEmpty ? nil : positionBuffer.baseAddress,
                                                bias: biasPointer, relu: fusingReLU)
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
    let result: Tensor
    if pooling == nil {
        result = Tensor(uninitializedShape: [g.batch, g.outHeight, g.outWidth, cout]) { run($0.baseAddress!) }
    } else {
        run(nil)
        result = Tensor(zeros: [0])
    }
    let output = pooling.map { Tensor(shape: $0.outputShape, storage: pooled) } ?? result
    return Tensor.recording(output, inputs: inputs) { outputGradient, tracked in
        let transformedSize = 16 * cin * cout
        let wantsBias = inputs.count == 3 && tracked[2]
        var partials = [Float](repeating: 0, count: tracked[1] ? Cortex.threadCount * transformedSize : 0)
        var biasPartials = [Float](repeating: 0, count: wantsBias ? Cortex.threadCount * cout : 0)
        var dx = [Float](unsafeUninitializedCapacity: tracked[0] ? input.count : 0) { _, c in
            c = tracked[0] ? input.count : 0
        }
        var chunks = 0
        input.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { d in
                result.withUnsafeBufferPointer { yp in
                    output.withUnsafeBufferPointer { pooledOutput in
                        positions.withUnsafeBufferPointer { recordedPositions in
                            u.withUnsafeBufferPointer { up in
                                biasPartials.withUnsafeMutableBufferPointer { biasPartial in
                                    partials.withUnsafeMutableBufferPointer { partial in
                                        dx.withUnsafeMutableBufferPointer { dxp in
                                            chunks = parallelIndexedChunks(plan.blockCount) { chunk, range in
                                                let scratchCount = plan.scratchCount
                                                var scratch = [Float](unsafeUninitializedCapacity: scratchCount) {
                                                    _, c in
                                                    c = scratchCount
                                                }
                                                scratch.withUnsafeMutableBufferPointer { buffer in
                                                    let v = buffer.baseAddress!, dm = v + 16 * maximumTiles * cin
                                                    for block in range {
                                                        let images = plan.block(block)
                                                        let tiles = images.count * plan.tilesPerImage
                                                        if pooling != nil {
                                                            // Straight from the pooled gradient and the recorded
                                                            // positions, with the ReLU mask and the bias gradient.
                                                            plan.transformPooledOutputGradient(
                                                                positions: recordedPositions.baseAddress!,
                                                                pooled: pooledOutput.baseAddress!,
                                                                pooledGradient: d.baseAddress!, reluMask: fusingReLU,
                                                                images: images, dm,
                                                                biasGradient: wantsBias
                                                                    ? biasPartial.baseAddress! + chunk * cout : nil)
                                                        } else {
                                                            // The ReLU mask and the bias gradient come with the transform.
                                                            plan.transformOutputGradient(
                                                                d.baseAddress!,
                                                                reluOutput: fusingReLU ? yp.baseAddress : nil,
                                                                images: images, dm,
                                                                biasGradient: wantsBias
                                                                    ? biasPartial.baseAddress! + chunk * cout : nil)
                                                        }
                                                        if tracked[1] {
                                                            // dU[ξ] += V[ξ]ᵀ · dM[ξ]: M = cin, N = cout, K = tiles.
                                                            plan.transformInput(x.baseAddress!, images: images, v)
                                                            WinogradConvolution.multiply(
                                                                true, false, cin, cout, tiles, v, tiles * cin, dm,
                                                                tiles * cout,
                                                                1,
                                                                partial.baseAddress! + chunk * transformedSize,
                                                                cin * cout)
                                                        }
                                                        if tracked[0] {
                                                            // dV[ξ] = dM[ξ] · U[ξ]ᵀ: M = tiles, N = cin, K = cout.
                                                            WinogradConvolution.multiply(
                                                                false, true, tiles, cin, cout, dm, tiles * cout,
                                                                up.baseAddress!,
                                                                cin * cout, 0, v, tiles * cin)
                                                            let imageSize = g.height * g.width * cin
                                                            (dxp.baseAddress! + images.lowerBound * imageSize)
                                                                .initialize(
                                                                    repeating: 0, count: images.count * imageSize)
                                                            plan.scatterInputGradient(
                                                                v, images: images, dxp.baseAddress!)
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
            var du = [Float](unsafeUninitializedCapacity: transformedSize) { _, c in c = transformedSize }
            partials.withUnsafeBufferPointer { p in
                du.withUnsafeMutableBufferPointer {
                    ReductionKernel.sum(p, $0, outer: 1, length: chunks, inner: transformedSize)
                }
            }
            grads.append(
                Tensor(uninitializedShape: kernel.shape) { dw in
                    du.withUnsafeBufferPointer { plan.kernelGradient($0.baseAddress!, dw.baseAddress!) }
                })
        }
        if wantsBias {
            grads.append(
                Tensor(uninitializedShape: [cout]) { db in
                    biasPartials.withUnsafeBufferPointer {
                        ReductionKernel.sum($0, db, outer: 1, length: chunks, inner: cout)
                    }
                })
        }
        return grads
    }
}
