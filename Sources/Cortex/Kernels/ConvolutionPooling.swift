/// A 2x2, stride-2 max pooling fused after a convolution (`Conv2D` then `MaxPooling2D` in a
/// `Sequential`). Each block of images is pooled right after the convolution wrote it into a
/// per-thread buffer, recording which window position won; the backward pass rebuilds each
/// block's output gradient from the pooled gradient and those positions, with the ReLU mask.
/// The convolution's batch-sized output is never stored, and no batch-sized gradient passes
/// between two ops. (The Winograd path pools inside its output transform instead, see
/// `WinogradConvolution.transformOutputPooled`, and starts its backward pass from the pooled
/// gradient, `transformPooledOutputGradient`.)
struct ConvolutionPooling {
    /// The pooling's geometry over the convolution's output.
    let geometry: ConvGeometry

    init(convolutionOutputShape shape: [Int]) {
        geometry = ConvGeometry(inputShape: shape, window: (2, 2), strides: (2, 2), padding: .valid, op: "maxPool2d")
        precondition(PoolingKernel.isTwoByTwo(geometry), "fused pooling needs a 2x2 window inside \(shape)")
    }

    /// Whether a pooling layer's settings are the ones this fusion computes.
    static func fuses(poolSize: (Int, Int), strides: (Int, Int), padding: Padding) -> Bool {
        poolSize == (2, 2) && strides == (2, 2) && padding == .valid
    }

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

    /// Pools images `images` of `output` (addressed by absolute image index) into `pooled`,
    /// recording the winning positions in `positions` when given (both whole-batch buffers).
    func pool(
        _ output: UnsafePointer<Float>, into pooled: UnsafeMutablePointer<Float>,
        positions: UnsafeMutablePointer<Int32>?, images: Range<Int>
    ) {
        if let positions {
            PoolingKernel.maxForward2x2(output, pooled, positions: positions, geometry, rows: rows(images))
        } else {
            PoolingKernel.maxForward2x2(output, pooled, geometry, rows: rows(images))
        }
    }

    /// Writes the output gradient of images `images` into `buffer` (which starts at the first
    /// of them), from the pooled gradient; with `reluMask`, the ReLU's backward pass too.
    func unpool(
        positions: UnsafePointer<Int32>, pooled: UnsafePointer<Float>, pooledGradient: UnsafePointer<Float>,
        images: Range<Int>, into buffer: UnsafeMutablePointer<Float>, reluMask: Bool
    ) {
        // The kernel indexes by absolute image; shift the buffer so that image `lowerBound` lands at its start.
        PoolingKernel.maxBackward2x2(
            positions: positions, pooled, pooledGradient, buffer - images.lowerBound * imageSize, geometry,
            rows: rows(images), reluMask: reluMask)
    }

    private func rows(_ images: Range<Int>) -> Range<Int> {
        images.lowerBound * geometry.outHeight..<images.upperBound * geometry.outHeight
    }
}
