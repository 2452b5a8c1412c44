/// A fully connected layer: `activation(x · kernel + bias)`.
///
/// - Input: `[batch, ..., inputDim]`; output: `[batch, ..., units]`.
/// - `kernel`: `[inputDim, units]`, Glorot-uniform; `bias`: `[units]`, zeros.
/// The input dimension is inferred on first use. With a linear activation, a following
/// ``Activation`` ReLU runs inside the layer's op in a model.
public final class Dense: Layer {
    /// The number of outputs.
    public let units: Int
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Penalty on the kernel added to the training loss.
    public let kernelRegularizer: Regularizer?
    /// Penalty on the bias added to the training loss.
    public let biasRegularizer: Regularizer?
    /// `[inputDim, units]`, with a value once the layer is built.
    public let kernel = Parameter(declared: "kernel")
    /// `[units]`, nil without bias.
    public let bias: Parameter?

    /// Creates a fully connected layer.
    ///
    /// - Parameters:
    ///   - units: the number of outputs.
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: whether to add a bias (default true).
    ///   - kernelRegularizer: penalty on the kernel.
    ///   - biasRegularizer: penalty on the bias.
    ///   - name: the layer's name (default `dense`, `dense_1`, ... within its model).
    public init(
        units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        check(units > 0, "Dense: units must be positive, got \(units)")
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.bias = useBias ? Parameter(declared: "bias") : nil
        super.init(name: name)
    }

    public override class var baseName: String { "dense" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard let last = inputShape.last, last > 0 else {
            throw shapeError(expected: "[*, ..., features]", got: inputShape)
        }
        if kernel.isBuilt, kernel.shape[0] != last {
            throw shapeError(expected: "[*, \(kernel.shape[0])]", got: inputShape)
        }
        return inputShape.dropLast() + [units]
    }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        let inputDim = inputShape.last!
        kernel.build(Initializer.glorotUniform([inputDim, units], fanIn: inputDim, fanOut: units, using: &generator))
        bias?.build(Tensor(zeros: [units]))
    }

    public override var regularizedParameters: [(Regularizer, Parameter)] {
        regularized([(kernelRegularizer, kernel), (biasRegularizer, bias)])
    }

    public override func forward(_ input: Tensor) -> Tensor {
        // ReLU runs inside the op, in the same pass over the output as the bias.
        let output = linear(input, kernel.tensor, bias: bias?.tensor, epilogue: Epilogue(relu: activation == .relu))
        return activation == .relu ? output : activation(output)
    }

    override func forward(_ input: Tensor, deferring activation: ActivationFunction) -> Tensor? {
        guard self.activation == activation else { return nil }
        buildForBatch(input)
        return linear(input, kernel.tensor, bias: bias?.tensor, epilogue: .none)
    }

    override func fused(with next: Layer) -> ((Tensor) -> Tensor)? {
        guard activation == .linear, next.epilogueStep == .relu else { return nil }
        return { [unowned self, unowned next] input in
            guard let shape = try? self.build(inputShape: Array(input.shape.dropFirst())),
                (try? next.build(inputShape: shape)) != nil
            else { return next(self(input)) }
            return linear(input, self.kernel.tensor, bias: self.bias?.tensor, epilogue: Epilogue(relu: true))
        }
    }
}
