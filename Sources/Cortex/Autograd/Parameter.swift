/// A trainable tensor: the optimizer updates its ``value`` from its accumulated ``grad``.
///
/// Read ``tensor`` inside a computation to have gradients flow back to this parameter;
/// read or assign ``value`` to work with the stored numbers without tracking.
public final class Parameter {
    /// The stored tensor. Assigning a tensor of another shape is a programming error.
    public var value: Tensor {
        didSet {
            precondition(
                value.shape == oldValue.shape,
                "\(name.isEmpty ? "Parameter" : name) has shape \(oldValue.shape), cannot assign \(value.shape)")
            value = value.detached
        }
    }
    /// The gradient accumulated by ``Tensor/backward()`` since the last ``zeroGrad()``.
    public var grad: Tensor?
    /// The name within its layer (`kernel`, `bias`, ...).
    public internal(set) var name: String
    /// Whether optimizers update this parameter and gradients reach it.
    public var isTrainable: Bool

    private lazy var leaf = GradNode(parameter: self)

    /// Creates a parameter holding `value`.
    public init(_ value: Tensor, name: String = "", isTrainable: Bool = true) {
        self.value = value.detached
        self.name = name
        self.isTrainable = isTrainable
    }

    /// The value as a tracked tensor: operations on it record gradients for this parameter.
    public var tensor: Tensor {
        guard isTrainable, GradientMode.isRecording else { return value }
        var tracked = value
        tracked.node = leaf
        return tracked
    }

    /// The shape of ``value``.
    public var shape: [Int] { value.shape }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    func accumulate(_ gradient: Tensor) {
        if grad == nil {
            grad = gradient.detached
        } else {
            grad!.addInPlace(gradient)
        }
    }
}
