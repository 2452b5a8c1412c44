import Foundation

/// An n-dimensional array of `Float`, stored contiguously in row-major order.
///
/// `Tensor` has value semantics: copies are cheap (the storage is shared until one copy is
/// mutated) and no tensor ever observes another's mutation. Operations on tensors that involve
/// a tracked ``Parameter`` record how to compute gradients, so that ``backward()`` can run
/// reverse-mode differentiation.
///
/// ```swift
/// let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
/// let b = (a * 2 + 1).sum(alongAxes: [1])   // [[12], [30]]
/// ```
public struct Tensor {
    /// The extent of each axis, outermost first. A scalar has shape `[]`.
    public let shape: [Int]
    /// The elements in row-major order.
    @usableFromInline var storage: [Float]
    /// The autograd node that produced this tensor, when it depends on a tracked parameter.
    var node: GradNode?

    /// Creates a tensor from row-major scalars and a shape whose product is `scalars.count`.
    public init(_ scalars: [Float], shape: [Int]) {
        check(
            shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == scalars.count,
            "Tensor(_:shape:) got \(scalars.count) scalars for shape \(shape)")
        self.shape = shape
        self.storage = scalars
    }

    /// Creates a rank-1 tensor from `scalars`.
    public init(_ scalars: [Float]) {
        self.init(scalars, shape: [scalars.count])
    }

    /// Creates a rank-0 (scalar) tensor.
    public init(_ scalar: Float) {
        self.init([scalar], shape: [])
    }

    /// Creates a tensor of the given shape with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init([Float](repeating: value, count: shape.reduce(1, *)), shape: shape)
    }

    /// Creates a tensor of zeros.
    public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// Creates a tensor of ones.
    public init(ones shape: [Int]) { self.init(repeating: 1, shape: shape) }

    init(shape: [Int], storage: [Float]) {
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor whose elements `initializer` writes; every element must be written.
    @inlinable
    init(uninitializedShape shape: [Int], _ initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initializer(buffer)
            initialized = count
        }
    }

    /// The number of elements.
    public var count: Int { storage.count }
    /// The number of axes.
    public var rank: Int { shape.count }
    /// A row-major copy of the elements.
    public var scalars: [Float] { storage }
    /// The single element of a tensor with one element.
    public var scalar: Float {
        check(count == 1, "scalar needs a tensor with one element, got shape \(shape)")
        return storage[0]
    }
    /// Whether gradients flow back through this tensor to some parameter.
    public var isTracked: Bool { node != nil }

    /// This tensor's value, detached from the autograd graph.
    public var detached: Tensor { Tensor(shape: shape, storage: storage) }

    /// Reads the elements through a pointer, without copying.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Writes the elements in place; the storage is copied first only if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}

/// Runs `body` with the elements of `tensor`, or with nil when there is no tensor.
@inline(__always)
func withOptionalBuffer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeBufferPointer { body($0.baseAddress) }
}

// Tensors are values; their autograd nodes are only touched by the thread running backward().
extension Tensor: @unchecked Sendable {}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = storage.prefix(12).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 12 ? ", ..." : "")])"
    }
}
