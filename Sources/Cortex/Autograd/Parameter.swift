/// A trainable tensor: the optimizer updates its ``value`` from its accumulated ``grad``.
///
/// Read ``tensor`` inside a computation to have gradients flow back to this parameter;
/// read or assign ``value`` to work with the stored numbers without tracking.
///
/// A layer whose parameter shapes depend on its input (``Dense`` on the input's last axis)
/// declares its parameters when it is created and gives them values when it is built; reading
/// ``value``, ``tensor`` or ``shape`` before that stops with a message naming the layer.
public final class Parameter {
    /// The stored tensor. Assigning a tensor of another shape is a programming error.
    public var value: Tensor {
        get { built }
        set {
            check(
                newValue.shape == built.shape,
                "\(description) has shape \(built.shape), cannot assign a tensor of shape \(newValue.shape)")
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
    /// Whether the parameter has a value: always for one created with a tensor, after its
    /// layer is built for one that a layer declares.
    public private(set) var isBuilt: Bool

    /// The layer that owns this parameter, for messages.
    weak var owner: Module?
    var storedValue: Tensor
    private lazy var leaf = GradNode(parameter: self)

    /// Creates a parameter holding `value`.
    ///
    /// - Parameters:
    ///   - value: the initial value.
    ///   - name: the name within its layer, used in file keys (`<layer>.<name>`).
    ///   - isTrainable: whether optimizers update it.
    public init(_ value: Tensor, name: String = "", isTrainable: Bool = true) {
        self.storedValue = value.detached
        self.name = name
        self.isTrainable = isTrainable
        self.isBuilt = true
    }

    /// A parameter that its layer gives a value when it is built.
    init(declared name: String, isTrainable: Bool = true) {
        self.storedValue = Tensor(zeros: [0])
        self.name = name
        self.isTrainable = isTrainable
        self.isBuilt = false
    }

    /// Gives a declared parameter its first value (when its layer is built).
    func build(_ value: Tensor) {
        check(!isBuilt, "\(description) is already built")
        storedValue = value.detached
        isBuilt = true
    }

    /// The value as a tracked tensor: operations on it record gradients for this parameter.
    public var tensor: Tensor {
        let value = built
        guard isTrainable, GradientMode.isRecording else { return value }
        var tracked = value
        tracked.node = leaf
        return tracked
    }

    /// The shape of ``value``.
    public var shape: [Int] { built.shape }

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

    /// The value, or a stop naming the layer when it is not built yet.
    private var built: Tensor {
        check(
            isBuilt,
            "\(description) is read before its layer is built: build the model (build(inputShape:)) or run it once")
        return storedValue
    }

    /// `<layer>.<name>`, or the name alone without a layer.
    var description: String {
        let own = name.isEmpty ? "parameter" : name
        return owner.map { "\($0.name).\(own)" } ?? own
    }
}
