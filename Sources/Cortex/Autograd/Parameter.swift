/// A trainable tensor: the optimizer updates its ``value`` from its accumulated ``grad``.
///
/// Read ``tensor`` inside a computation to have gradients flow back to this parameter;
/// read or assign ``value`` to work with the stored numbers without tracking.
public final class Parameter {
    /// The stored tensor. Assigning a tensor of another shape is a programming error.
    public var value: Tensor {
        get { storedValue }
        set {
            precondition(
                newValue.shape == storedValue.shape,
                "\(name.isEmpty ? "Parameter" : name) has shape \(storedValue.shape), cannot assign \(newValue.shape)")
            storedValue = newValue.detached
        }
    }
    /// The gradient accumulated by ``Tensor/backward()`` since the last ``zeroGrad()``.
    public var grad: Tensor?
    /// The name within its layer (`kernel`, `bias`, ...).
    public internal(set) var name: String
    /// Whether optimizers update this parameter and gradients reach it. Moving statistics
    /// (such as BatchNormalization's) are parameters that are not trainable.
    public var isTrainable: Bool

    var storedValue: Tensor
    private lazy var leaf = GradNode(parameter: self)

    /// Creates a parameter holding `value`.
    public init(_ value: Tensor, name: String = "", isTrainable: Bool = true) {
        self.storedValue = value.detached
        self.name = name
        self.isTrainable = isTrainable
    }

    /// The value as a tracked tensor: operations on it record gradients for this parameter.
    public var tensor: Tensor {
        guard isTrainable, GradientMode.isRecording else { return storedValue }
        var tracked = storedValue
        tracked.node = leaf
        return tracked
    }

    /// The shape of ``value``.
    public var shape: [Int] { storedValue.shape }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    func accumulate(_ gradient: Tensor) {
        if grad == nil {
            grad = gradient.detached
        } else {
            grad!.addInPlace(gradient)
        }
    }

    /// Mutates the stored elements in place (no copy unless the storage is shared).
    @inline(__always)
    func updateInPlace(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        storedValue.withUnsafeMutableBufferPointer { body($0) }
    }
}
