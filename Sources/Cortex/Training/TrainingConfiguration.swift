/// What ``Module/compile(optimizer:loss:metrics:)`` records for ``Module/fit``.
struct TrainingConfiguration {
    let optimizer: Optimizer
    let loss: Loss
    let metrics: [Metric]
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
