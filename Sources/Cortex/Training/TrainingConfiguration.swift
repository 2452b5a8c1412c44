/// What `compile` records for `fit` and `evaluate`: the optimizer, and per model output its
/// loss, the loss's weight in the total, and its metrics.
struct TrainingConfiguration {
    let optimizer: Optimizer
    let losses: [Loss]
    let lossWeights: [Float]
    let metrics: [[Metric]]
    /// The outputs' names, for the logs of a model with several outputs (`<name>_loss`, ...).
    let outputNames: [String]

    /// The loss of a single-output model (the first output's).
    var loss: Loss { losses[0] }
}

/// How much ``Module/fit`` prints.
public enum Verbosity: Sendable {
    /// Nothing.
    case silent
    /// A live Keras-style bar per epoch that redraws in place; on output that is not a
    /// terminal (CI logs) it falls back to ``epochLines``.
    case progressBar
    /// One line per epoch.
    case epochLines
}
