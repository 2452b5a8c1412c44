/// What ``Module/fit`` recorded: one value per epoch for each loss and metric
/// (`loss`, `accuracy`, `val_loss`, `val_accuracy`, ...).
public struct History: Sendable {
    /// Values per epoch, keyed by metric name.
    public var metrics: [String: [Float]] = [:]
    /// The epochs that ran (0-based).
    public var epochs: [Int] = []

    mutating func record(epoch: Int, logs: [String: Float]) {
        epochs.append(epoch)
        for (key, value) in logs { metrics[key, default: []].append(value) }
    }
}
