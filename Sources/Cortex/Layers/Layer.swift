/// A module with a per-example input shape, built lazily on first use.
///
/// Subclasses implement ``outputShape(forInputShape:)`` (which validates), ``createParameters(inputShape:using:)``
/// (called once, before the first forward pass) and ``forward(_:)``.
open class Layer: Module {
    /// The per-example input shape the layer was built for, once built.
    public private(set) var inputShape: [Int]?

    /// Whether the layer's parameters exist.
    public var isBuilt: Bool { inputShape != nil }

    /// Creates a layer.
    ///
    /// - Parameters:
    ///   - name: the layer's name; by default it is named within its model as Keras names it.
    ///   - seed: a seed for the layer's own random generator when it is used outside a model.
    public override init(name: String? = nil, seed: UInt64? = nil) {
        super.init(name: name, seed: seed)
    }

    /// The per-example output shape for a per-example input shape; throws a ``CortexError``
    /// naming this layer when the input does not fit.
    open func outputShape(forInputShape inputShape: [Int]) throws -> [Int] { inputShape }

    /// Creates the layer's parameters for `inputShape`, drawing from `generator`.
    open func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {}

    /// Layers check nothing by default; a layer with constraints on values overrides this.
    open override func validate(input: Tensor) throws {}

    /// The computation, on a batch whose shape has been validated.
    open func forward(_ input: Tensor) -> Tensor { input }

    @discardableResult
    public override func build(inputShape: [Int]) throws -> [Int] {
        let output = try outputShape(forInputShape: inputShape)
        if self.inputShape == nil {
            createParameters(inputShape: inputShape, using: &randomness.generator)
            self.inputShape = inputShape
        }
        return output
    }

    /// Runs the layer on a batch, building it first if needed. A shape that does not fit is a
    /// programming error here (it stops with the layer's message, in release builds too);
    /// `build(inputShape:)`, `fit`, `evaluate` and `predict` report it as a thrown error.
    public override func callAsFunction(_ input: Tensor) -> Tensor {
        buildForBatch(input)
        return forward(input)
    }

    // MARK: Masking

    /// Runs the layer on a batch whose time steps `mask` (`[batch, time]`, 1 for a real step, 0
    /// for padding) marks, as Keras propagates masks from an `Embedding(maskZero: true)`; returns
    /// the output and the mask of the output's steps.
    ///
    /// The default ignores the mask in the computation (right for layers that treat every
    /// position alike, such as Dense or Dropout) and passes it on while the output keeps the
    /// `[batch, time]` axes, dropping it otherwise. Layers that use masks (recurrent layers,
    /// attention, global pooling) or make them (Embedding) override this.
    open func forward(_ input: Tensor, mask: Tensor?) -> (output: Tensor, mask: Tensor?) {
        let output = self(input)
        guard let mask, output.rank >= 2, Array(output.shape.prefix(2)) == mask.shape else { return (output, nil) }
        return (output, mask)
    }

    /// Whether the layer makes a mask from its input (an `Embedding` with `maskZero`).
    open var makesMask: Bool { false }

    // MARK: Fusion

    override func callAsFunction(_ input: Tensor, deferring activation: ActivationFunction) -> (Tensor, Bool) {
        guard activation != .linear, let logits = forward(input, deferring: activation) else {
            return (self(input), false)
        }
        return (logits, true)
    }

    /// The layer's result before its activation when that activation is `activation` (after
    /// building the layer), else nil. Layers with an output activation override this.
    func forward(_ input: Tensor, deferring activation: ActivationFunction) -> Tensor? { nil }

    /// Builds the layer for a batch, or stops with the layer's message.
    func buildForBatch(_ input: Tensor) {
        check(input.rank >= 1, "\(name) expects a batch, got a scalar")
        do {
            try build(inputShape: Array(input.shape.dropFirst()))
        } catch {
            programmingError("\(error)")
        }
    }

    /// This layer as a step that the op of the layer before it can run on its result (ReLU,
    /// 2x2 max pooling), or nil.
    var epilogueStep: Epilogue.Step? { nil }

    /// A forward function that runs this layer and then `next` as one op, or nil when this
    /// layer's op cannot absorb `next`. Containers ask each pair of consecutive layers; the
    /// result equals `next(self(x))`, values and gradients.
    func fused(with next: Layer) -> ((Tensor) -> Tensor)? { nil }

    // MARK: Helpers for subclasses

    /// The (regularizer, parameter) pairs among `pairs` whose both sides exist.
    func regularized(_ pairs: [(Regularizer?, Parameter?)]) -> [(Regularizer, Parameter)] {
        pairs.compactMap { regularizer, parameter in
            regularizer.flatMap { r in parameter.flatMap { $0.isBuilt ? (r, $0) : nil } }
        }
    }

    /// The error for an input shape this layer cannot take.
    func shapeError(expected: String, got inputShape: [Int]) -> CortexError {
        CortexError(.shapeMismatch, "\(name) expects input \(expected) but got \(batchShapeDescription(inputShape))")
    }
}
