/// A 2-D convolution over NHWC images: `activation(conv2d(x, kernel) + bias)`.
///
/// - Input: `[batch, height, width, channels]`; output: `[batch, outHeight, outWidth, filters]`
///   with `out = ceil(in / stride)` for `.same` and `floor((in - k) / stride) + 1` for `.valid`.
/// - `kernel`: `[kernelHeight, kernelWidth, channels, filters]`, Glorot-uniform with
///   fan-in `kh * kw * channels` and fan-out `kh * kw * filters`; `bias`: `[filters]`, zeros.
///
/// With a ReLU or linear activation, a following 2x2 ``MaxPooling2D`` (or ``Activation`` ReLU)
/// runs inside the convolution's op in a model, on each block of the output while it is in cache.
public final class Conv2D: Layer {
    /// The number of output channels.
    public let filters: Int
    /// The window's height and width.
    public let kernelSize: (height: Int, width: Int)
    /// The steps between windows along height and width.
    public let strides: (Int, Int)
    /// How the border is treated.
    public let padding: Padding
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Penalty on the kernel added to the training loss.
    public let kernelRegularizer: Regularizer?
    /// Penalty on the bias added to the training loss.
    public let biasRegularizer: Regularizer?
    /// `[kernelHeight, kernelWidth, channels, filters]`, with a value once the layer is built.
    public let kernel = Parameter(declared: "kernel")
    /// `[filters]`, nil without bias.
    public let bias: Parameter?

    /// Creates a convolution layer.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: window size, one integer for a square window or a pair.
    ///   - strides: steps between windows (default 1).
    ///   - padding: `.valid` (no padding, default) or `.same`.
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: whether to add a bias (default true).
    ///   - kernelRegularizer: penalty on the kernel.
    ///   - biasRegularizer: penalty on the bias.
    ///   - name: the layer's name (default `conv2d`, `conv2d_1`, ... within its model).
    public init(
        filters: Int, kernelSize: IntPair, strides: IntPair = 1, padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        check(filters > 0, "Conv2D: filters must be positive, got \(filters)")
        check(kernelSize.isPositive, "Conv2D: kernel size must be positive, got \(kernelSize)")
        check(strides.isPositive, "Conv2D: strides must be positive, got \(strides)")
        self.filters = filters
        self.kernelSize = kernelSize.tuple
        self.strides = strides.tuple
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.bias = useBias ? Parameter(declared: "bias") : nil
        super.init(name: name)
    }

    /// Creates a convolution layer with the kernel size as a `(height, width)` tuple; see
    /// ``init(filters:kernelSize:strides:padding:activation:useBias:kernelRegularizer:biasRegularizer:name:)``.
    public convenience init(
        filters: Int, kernelSize: (Int, Int), strides: IntPair = 1, padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        self.init(
            filters: filters, kernelSize: IntPair(kernelSize), strides: strides, padding: padding,
            activation: activation, useBias: useBias, kernelRegularizer: kernelRegularizer,
            biasRegularizer: biasRegularizer, name: name)
    }

    /// Creates a convolution layer with the strides as a `(height, width)` tuple; see
    /// ``init(filters:kernelSize:strides:padding:activation:useBias:kernelRegularizer:biasRegularizer:name:)``.
    public convenience init(
        filters: Int, kernelSize: IntPair, strides: (Int, Int), padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        self.init(
            filters: filters, kernelSize: kernelSize, strides: IntPair(strides), padding: padding,
            activation: activation, useBias: useBias, kernelRegularizer: kernelRegularizer,
            biasRegularizer: biasRegularizer, name: name)
    }

    /// Creates a convolution layer with kernel size and strides as `(height, width)` tuples; see
    /// ``init(filters:kernelSize:strides:padding:activation:useBias:kernelRegularizer:biasRegularizer:name:)``.
    public convenience init(
        filters: Int, kernelSize: (Int, Int), strides: (Int, Int), padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        self.init(
            filters: filters, kernelSize: IntPair(kernelSize), strides: IntPair(strides), padding: padding,
            activation: activation, useBias: useBias, kernelRegularizer: kernelRegularizer,
            biasRegularizer: biasRegularizer, name: name)
    }

    public override class var baseName: String { "conv2d" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else { throw shapeError(expected: "[*, height, width, channels]", got: inputShape) }
        if kernel.isBuilt, kernel.shape[2] != inputShape[2] {
            throw shapeError(expected: "[*, height, width, \(kernel.shape[2])]", got: inputShape)
        }
        let (h, _) = ConvGeometry.outputSize(inputShape[0], window: kernelSize.0, stride: strides.0, padding: padding)
        let (w, _) = ConvGeometry.outputSize(inputShape[1], window: kernelSize.1, stride: strides.1, padding: padding)
        guard h > 0 && w > 0 else {
            throw CortexError(
                .shapeMismatch,
                "\(name): a \(kernelSize.0)x\(kernelSize.1) kernel does not fit input \(batchShapeDescription(inputShape)) with \(padding) padding"
            )
        }
        return [h, w, filters]
    }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        let (kh, kw, c) = (kernelSize.0, kernelSize.1, inputShape[2])
        kernel.build(
            Initializer.glorotUniform(
                [kh, kw, c, filters], fanIn: kh * kw * c, fanOut: kh * kw * filters, using: &generator))
        bias?.build(Tensor(zeros: [filters]))
    }

    public override var regularizedParameters: [(Regularizer, Parameter)] {
        regularized([(kernelRegularizer, kernel), (biasRegularizer, bias)])
    }

    public override func forward(_ input: Tensor) -> Tensor {
        guard let epilogue = activationEpilogue else { return activation(convolve(input, epilogue: .none)) }
        return convolve(input, epilogue: epilogue)
    }

    /// The activation as an epilogue of the op (ReLU or nothing), or nil for others.
    private var activationEpilogue: Epilogue? {
        switch activation {
        case .relu: Epilogue(relu: true)
        case .linear: Epilogue.none
        default: nil
        }
    }

    private func convolve(_ input: Tensor, epilogue: Epilogue) -> Tensor {
        conv2d(input, kernel.tensor, bias: bias?.tensor, strides: strides, padding: padding, epilogue: epilogue)
    }

    override func forward(_ input: Tensor, deferring activation: ActivationFunction) -> Tensor? {
        guard self.activation == activation else { return nil }
        buildForBatch(input)
        return convolve(input, epilogue: .none)
    }

    override func fused(with next: Layer) -> ((Tensor) -> Tensor)? {
        guard let step = next.epilogueStep, let epilogue = activationEpilogue?.appending(step) else { return nil }
        return { [unowned self, unowned next] input in
            // Both layers build and check their shapes as they would alone; pooling needs an
            // output of at least 2x2, else the two run one after the other.
            guard input.rank == 4, let shape = try? self.build(inputShape: Array(input.shape.dropFirst())),
                (try? next.build(inputShape: shape)) != nil,
                !epilogue.maxPooling || ConvolutionPooling.fits(convolutionOutput: shape)
            else { return next(self(input)) }
            return self.convolve(input, epilogue: epilogue)
        }
    }
}
