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
