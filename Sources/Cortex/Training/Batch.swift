/// A batch of training examples: inputs, targets and optional per-example weights.
public struct Batch: Sendable {
    /// `[n, ...]` model inputs.
    public var inputs: Tensor
    /// `[n, ...]` targets.
    public var targets: Tensor
    /// Weights of the examples (`[n]`) or of their time steps (`[n, time]`), or nil for all ones.
    public var sampleWeights: Tensor?

    /// Creates a batch.
    ///
    /// - Parameters:
    ///   - inputs: model inputs, batch axis first.
    ///   - targets: targets with as many rows.
    ///   - sampleWeights: per-example (or per-step) weights, or nil.
    public init(inputs: Tensor, targets: Tensor, sampleWeights: Tensor? = nil) {
        self.inputs = inputs
        self.targets = targets
        self.sampleWeights = sampleWeights
    }

    /// The number of examples.
    public var count: Int { inputs.shape.first ?? 0 }

    /// The examples at `rows`, in that order.
    func gathering(_ rows: some Collection<Int>) -> Batch {
        Batch(
            inputs: inputs.gatheringRows(rows), targets: targets.gatheringRows(rows),
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
