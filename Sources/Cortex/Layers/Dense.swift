/// A fully connected layer: `activation(x · kernel + bias)`.
///
/// - Input: `[batch, ..., inputDim]`; output: `[batch, ..., units]`.
/// - `kernel`: `[inputDim, units]`, Glorot-uniform; `bias`: `[units]`, zeros.
/// The input dimension is inferred on first use.
public final class Dense: Layer {
    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    /// Penalties added to the training loss.
    public let kernelRegularizer: Regularizer?
    public let biasRegularizer: Regularizer?
    /// `[inputDim, units]`, once built.
    public private(set) var kernel: Parameter!
    /// `[units]`, once built (nil without bias).
    public private(set) var bias: Parameter?

    public init(
        units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String? = nil
    ) {
        precondition(units > 0, "Dense: units must be positive, got \(units)")
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name)
    }

    public override class var baseName: String { "dense" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard let last = inputShape.last, last > 0 else {
            throw shapeError(expected: "[*, ..., features]", got: inputShape)
        }
        if let kernel, kernel.shape[0] != last {
            throw shapeError(expected: "[*, \(kernel.shape[0])]", got: inputShape)
        }
        return inputShape.dropLast() + [units]
    }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        let inputDim = inputShape.last!
        kernel = Parameter(
            Initializer.glorotUniform([inputDim, units], fanIn: inputDim, fanOut: units, using: &generator),
            name: "kernel")
        if useBias { bias = Parameter(Tensor(zeros: [units]), name: "bias") }
    }

    public override var regularizedParameters: [(Regularizer, Parameter)] {
        regularized([(kernelRegularizer, kernel), (biasRegularizer, bias)])
    }

    public override func forward(_ input: Tensor) -> Tensor {
        // ReLU runs inside the op, in the same pass over the output as the bias.
        let output = linear(input, kernel.tensor, bias: bias?.tensor, fusingReLU: activation == .relu)
        return activation == .relu ? output : activation(output)
    }
}
