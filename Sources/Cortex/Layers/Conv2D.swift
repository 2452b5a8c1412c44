/// A 2-D convolution over NHWC images: `activation(conv2d(x, kernel) + bias)`.
///
/// - Input: `[batch, height, width, channels]`; output: `[batch, outHeight, outWidth, filters]`
///   with `out = ceil(in / stride)` for `.same` and `floor((in - k) / stride) + 1` for `.valid`.
/// - `kernel`: `[kernelHeight, kernelWidth, channels, filters]`, Glorot-uniform with
///   fan-in `kh * kw * channels` and fan-out `kh * kw * filters`; `bias`: `[filters]`, zeros.
public final class Conv2D: Layer {
    public let filters: Int
    public let kernelSize: (height: Int, width: Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let activation: ActivationFunction
    public let useBias: Bool
    /// Penalties added to the training loss.
    public let kernelRegularizer: Regularizer?
    public let biasRegularizer: Regularizer?
    public private(set) var kernel: Parameter!
    public private(set) var bias: Parameter?

    public init(
        filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        precondition(
            filters > 0 && kernelSize.0 > 0 && kernelSize.1 > 0, "Conv2D: filters and kernel size must be positive")
        precondition(strides.0 > 0 && strides.1 > 0, "Conv2D: strides must be positive")
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name)
    }

    /// A square kernel.
    public convenience init(
        filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        self.init(
            filters: filters, kernelSize: (kernelSize, kernelSize), strides: (strides, strides), padding: padding,
            activation: activation, useBias: useBias, name: name)
    }

    public override class var baseName: String { "conv2d" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else { throw shapeError(expected: "[*, height, width, channels]", got: inputShape) }
        if let kernel, kernel.shape[2] != inputShape[2] {
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
        kernel = Parameter(
            Initializer.glorotUniform(
                [kh, kw, c, filters], fanIn: kh * kw * c, fanOut: kh * kw * filters, using: &generator),
            name: "kernel")
        if useBias { bias = Parameter(Tensor(zeros: [filters]), name: "bias") }
    }

    public override var regularizedParameters: [(Regularizer, Parameter)] {
        regularized([(kernelRegularizer, kernel), (biasRegularizer, bias)])
    }

    public override func forward(_ input: Tensor) -> Tensor {
        // ReLU runs inside the op, in the same pass over the output as the bias.
        let output = conv2d(
            input, kernel.tensor, bias: bias?.tensor, strides: strides, padding: padding,
            fusingReLU: activation == .relu)
        return activation == .relu ? output : activation(output)
    }

    /// `pool(self(input))` as one op, when this layer's activation is ReLU or linear and `pool`
    /// is a 2x2, stride-2, unpadded max pooling that fits the output; nil otherwise. The same
    /// values and gradients as the two layers, with the pooling done while each block of the
    /// output is in cache (`Sequential` calls this for such pairs).
    func callAsFunction(_ input: Tensor, fusingMaxPooling pool: MaxPooling2D) -> Tensor? {
        guard activation == .relu || activation == .linear,
            ConvolutionPooling.fuses(poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding),
            input.rank == 4,
            (try? build(inputShape: Array(input.shape.dropFirst()))) != nil,
            let shape = try? outputShape(forInputShape: Array(input.shape.dropFirst())),
            shape[0] >= 2 && shape[1] >= 2,
            (try? pool.build(inputShape: shape)) != nil
        else { return nil }
        return conv2d(
            input, kernel.tensor, bias: bias?.tensor, strides: strides, padding: padding,
            fusingReLU: activation == .relu, maxPooling: true)
    }
}
