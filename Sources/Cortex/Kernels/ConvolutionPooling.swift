/// The 2x2, stride-2 max pooling of a convolution's epilogue, block by block: each block of
/// images is pooled right after the convolution wrote it into a per-thread buffer, recording
/// which window position won; the backward pass rebuilds each block's output gradient from the
/// pooled gradient and those positions. The convolution's batch-sized output is never stored.
/// (The Winograd path pools inside its output transform instead, see
/// `WinogradConvolution.transformOutputPooled`.)
struct ConvolutionPooling {
    /// The pooling's geometry over the convolution's output.
    let geometry: ConvGeometry

    init(convolutionOutputShape shape: [Int]) {
        geometry = ConvGeometry(inputShape: shape, window: (2, 2), strides: (2, 2), padding: .valid, op: "maxPool2d")
        check(PoolingKernel.isTwoByTwo(geometry), "fused pooling needs a 2x2 window inside \(shape)")
    }

    /// Whether a convolution output of per-example shape `[height, width, channels]` can be pooled.
    static func fits(convolutionOutput shape: [Int]) -> Bool { shape.count == 3 && shape[0] >= 2 && shape[1] >= 2 }

    var outputShape: [Int] { [geometry.batch, geometry.outHeight, geometry.outWidth, geometry.channels] }

    /// Uninitialized buffers for the pooled output and, when the op records gradients, each
    /// window's winning position.
    func makeBuffers(recording: Bool) -> (pooled: [Float], positions: [Int32]) {
        let count = geometry.outputCount
        let pooled = [Float](unsafeUninitializedCapacity: count) { _, c in c = count }
        let positions = [Int32](unsafeUninitializedCapacity: recording ? count : 0) { _, c in c = recording ? count : 0
        }
        return (pooled, positions)
    }

    /// Floats per image of the convolution's output.
    var imageSize: Int { geometry.height * geometry.width * geometry.channels }
    /// Floats per image of the pooled output.
    var pooledImageSize: Int { geometry.outHeight * geometry.outWidth * geometry.channels }

    /// Pools the convolution output of `images`, which starts at `block`, into the whole-batch
    /// `pooled` and (when given) `positions`.
    func pool(
        _ block: UnsafePointer<Float>, images: Range<Int>, into pooled: UnsafeMutablePointer<Float>,
        positions: UnsafeMutablePointer<Int32>?
    ) {
        // The kernels index by absolute image; shift the block so that image `lowerBound` lands at its start.
        let base = block - images.lowerBound * imageSize
        if let positions {
            PoolingKernel.maxForward2x2(base, pooled, positions: positions, geometry, rows: rows(images))
        } else {
            PoolingKernel.maxForward2x2(base, pooled, geometry, rows: rows(images))
        }
    }

    /// Writes the gradient of the convolution output of `images` into `block`, from the
    /// whole-batch pooled gradient: first through the ReLU when the epilogue has one (masked
    /// where the pooled maximum is not positive, into `scratch`, one pooled block), adding the
    /// column sums to `biasGradient` when given (unpooling only moves values), then unpooled
    /// to the recorded positions.
    func outputGradient(
        pooledGradient: UnsafePointer<Float>, pooled: UnsafePointer<Float>, positions: UnsafePointer<Int32>,
        images: Range<Int>, relu: Bool, biasGradient: UnsafeMutablePointer<Float>?,
        scratch: UnsafeMutablePointer<Float>, into block: UnsafeMutablePointer<Float>
    ) {
        let start = images.lowerBound * pooledImageSize
        let windows = images.count * geometry.outHeight * geometry.outWidth
        let masked = EpilogueKernel.gradient(
            pooledGradient + start, result: pooled + start, rows: windows, columns: geometry.channels, relu: relu,
            scratch: scratch, biasGradient: biasGradient)
        PoolingKernel.unpool2x2(
            positions: positions, masked - start, block - images.lowerBound * imageSize,
            geometry, rows: rows(images))
    }

    private func rows(_ images: Range<Int>) -> Range<Int> {
        images.lowerBound * geometry.outHeight..<images.upperBound * geometry.outHeight
    }
}
