/// An element-wise (or, for softmax, last-axis) activation function.
public enum ActivationFunction: String, Sendable, Codable, CaseIterable {
    case linear, relu, sigmoid, tanh, softmax

    /// Applies the function.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .linear: return x
        case .relu: return applyRelu(x)
        case .sigmoid: return applySigmoid(x)
        case .tanh: return applyTanh(x)
        case .softmax: return applySoftmax(x)
        }
    }
}

/// Applies an activation function: `Activation(.relu)`. Output shape equals input shape.
public final class Activation: Layer {
    /// The function applied.
    public let function: ActivationFunction

    /// Creates an activation layer.
    ///
    /// - Parameters:
    ///   - function: the activation.
    ///   - name: the layer's name (default `activation`, ... within its model).
    public init(_ function: ActivationFunction, name: String? = nil) {
        self.function = function
        super.init(name: name)
    }

    public override class var baseName: String { "activation" }
    public override func forward(_ input: Tensor) -> Tensor { function(input) }
    override var epilogueStep: Epilogue.Step? { function == .relu ? .relu : nil }

    override func forward(_ input: Tensor, deferring activation: ActivationFunction) -> Tensor? {
        guard function == activation else { return nil }
        buildForBatch(input)
        return input
    }
}

// The enum's cases shadow the free functions of the same names inside it.
private func applyRelu(_ x: Tensor) -> Tensor { relu(x) }
private func applySigmoid(_ x: Tensor) -> Tensor { sigmoid(x) }
private func applyTanh(_ x: Tensor) -> Tensor { tanh(x) }
private func applySoftmax(_ x: Tensor) -> Tensor { softmax(x, axis: -1) }
