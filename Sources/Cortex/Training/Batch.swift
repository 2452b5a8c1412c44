/// A batch of training examples: the model's inputs, the targets of its outputs, and optional
/// per-example weights. Single-input, single-output models use ``input`` and ``target``.
public struct Batch: Sendable {
    /// One `[n, ...]` tensor per model input.
    public var inputs: [Tensor]
    /// One `[n, ...]` tensor per model output.
    public var targets: [Tensor]
    /// Weights of the examples (`[n]`) or of their time steps (`[n, time]`), or nil for all ones;
    /// they apply to every output.
    public var sampleWeights: Tensor?

    /// A batch for a model with several inputs or outputs.
    ///
    /// - Parameters:
    ///   - inputs: one tensor per model input, batch axis first.
    ///   - targets: one tensor per model output, with as many rows.
    ///   - sampleWeights: per-example (or per-step) weights, or nil.
    public init(inputs: [Tensor], targets: [Tensor], sampleWeights: Tensor? = nil) {
        self.inputs = inputs
        self.targets = targets
        self.sampleWeights = sampleWeights
    }

    /// A batch for a model with one input and one output.
    ///
    /// - Parameters:
    ///   - input: model inputs, batch axis first.
    ///   - target: targets with as many rows.
    ///   - sampleWeights: per-example (or per-step) weights, or nil.
    public init(input: Tensor, target: Tensor, sampleWeights: Tensor? = nil) {
        self.init(inputs: [input], targets: [target], sampleWeights: sampleWeights)
    }

    /// The first (for most models the only) input.
    public var input: Tensor { inputs[0] }
    /// The first (for most models the only) target.
    public var target: Tensor { targets[0] }

    /// The number of examples.
    public var count: Int { inputs.first?.shape.first ?? 0 }

    /// The examples at `rows`, in that order.
    public func gathering(_ rows: some Collection<Int>) -> Batch {
        Batch(
            inputs: inputs.map { $0.gatheringRows(rows) }, targets: targets.map { $0.gatheringRows(rows) },
            sampleWeights: sampleWeights?.gatheringRows(rows))
    }
}

/// What one process trains on in a step: its share of the global batch, and the size of that
/// global batch (every process's shares together), which scales its gradients so that their
/// sum over processes is the global batch's gradient.
struct StepBatch {
    var local: Batch
    var globalCount: Int
}
