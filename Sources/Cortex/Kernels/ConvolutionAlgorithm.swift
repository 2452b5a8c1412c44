/// One way to compute a 2-D convolution block by block: im2col + GEMM (`Im2ColConvolution`) or
/// Winograd F(2x2, 3x3) (`WinogradConvolution`).
///
/// The op (`Tensor/Convolution.swift`) owns everything the algorithms share: the split of the
/// blocks over threads, per-thread scratch and partial gradients, the output and pooled
/// buffers, and the assembly of the gradients. An algorithm computes one block of whole images:
/// forward into the op's output with its epilogue (bias, ReLU, 2x2 max pooling), and backward
/// into its thread's partial kernel and bias gradients and the input gradient of its images.
protocol ConvolutionAlgorithm {
    /// The convolution's sizes.
    var geometry: ConvGeometry { get }
    /// Output channels.
    var outChannels: Int { get }
    /// Blocks of whole images.
    var blockCount: Int { get }
    /// The images of block `index`.
    func images(ofBlock index: Int) -> Range<Int>
    /// Floats of scratch each thread needs in the forward and in the backward pass.
    var forwardScratchCount: Int { get }
    var backwardScratchCount: Int { get }
    /// Floats of the kernel in the form the blocks use (`transformKernel` writes it), or 0
    /// when they use the `[kh, kw, cin, cout]` kernel as it is.
    var transformedKernelCount: Int { get }
    func transformKernel(_ kernel: UnsafePointer<Float>, into transformed: UnsafeMutablePointer<Float>)
    /// Floats of a kernel gradient in the blocks' form, and the map back to `[kh, kw, cin, cout]`.
    var kernelGradientCount: Int { get }
    func kernelGradient(from partial: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>)

    /// Computes block `index` into `io`'s output (or pooled output), epilogue included.
    func forward(block index: Int, _ io: ConvolutionBuffers, scratch: UnsafeMutablePointer<Float>)
    /// Adds block `index`'s share of the kernel and bias gradients to the thread's partials
    /// and writes the input gradient of its images (when asked).
    func backward(
        block index: Int, _ io: ConvolutionBuffers, _ gradients: ConvolutionGradients,
        scratch: UnsafeMutablePointer<Float>)
}

/// The buffers of one convolution op, valid while it runs.
struct ConvolutionBuffers {
    let input: UnsafePointer<Float>
    /// The kernel in the algorithm's form.
    let kernel: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let epilogue: Epilogue
    /// `[batch, outH, outW, cout]` without pooling (in the backward pass: the forward result,
    /// for the ReLU mask); nil with pooling.
    let output: UnsafeMutablePointer<Float>?
    /// With pooling: the pooling's geometry, its output and (in training) each window's winning
    /// position.
    let pooling: ConvolutionPooling?
    let pooled: UnsafeMutablePointer<Float>?
    let positions: UnsafeMutablePointer<Int32>?
}

/// Where a block's backward pass reads and writes.
struct ConvolutionGradients {
    /// The gradient of the op's result (pooled-shaped with pooling).
    let output: UnsafePointer<Float>
    /// This thread's partial kernel gradient (algorithm's form), when the kernel is tracked.
    let kernel: UnsafeMutablePointer<Float>?
    /// This thread's partial bias gradient, when the bias is tracked.
    let bias: UnsafeMutablePointer<Float>?
    /// The whole input gradient, when the input is tracked; each block writes its images.
    let input: UnsafeMutablePointer<Float>?
}
