/// A metric computed over a whole epoch, exactly, however the epoch is split into batches:
/// each batch adds to a fixed number of totals (counts, sums), and the metric is a function of
/// the epoch's totals. Totals add up across batches and across processes.
///
/// Conform a type to write a custom metric and pass it to `compile` as `.custom(MyMetric())`:
///
/// ```swift
/// struct MeanPrediction: MetricFunction {
///     var name: String { "mean_prediction" }
///     var totalsCount: Int { 2 }
///     func accumulate(_ batch: MetricBatch, into totals: inout [Double]) {
///         totals[0] += batch.predictions.scalars.reduce(0) { $0 + Double($1) }
///         totals[1] += Double(batch.predictions.count)
///     }
///     func result(_ totals: [Double]) -> Float { Float(totals[0] / max(totals[1], 1)) }
/// }
/// ```
public protocol MetricFunction: Sendable {
    /// The key under which the metric is logged (`val_` is prepended for validation data).
    var name: String { get }
    /// How many totals the metric keeps.
    var totalsCount: Int { get }
    /// Adds one batch's contribution to `totals` (``totalsCount`` values, zero at the start of
    /// an epoch).
    func accumulate(_ batch: MetricBatch, into totals: inout [Double])
    /// The metric for an epoch from its totals.
    func result(_ totals: [Double]) -> Float
}

/// What a metric sees of a batch.
public struct MetricBatch {
    /// The model's outputs, after its last activation.
    public let predictions: Tensor
    /// The targets.
    public let targets: Tensor
    /// Per-example (or per-step) weights, or nil for ones.
    public let sampleWeights: Tensor?
    /// The loss the model is trained with (it tells how to read predictions: class indices,
    /// probabilities, logits).
    public let loss: Loss

    /// The weight of each example, `[n]` (ones without sample weights).
    public var exampleWeights: [Double] {
        let n = predictions.shape.first ?? 0
        guard let sampleWeights else { return [Double](repeating: 1, count: n) }
        let values = sampleWeights.scalars
        let perExample = values.count / Swift.max(n, 1)
        return (0..<n).map { i in
            values[(i * perExample)..<((i + 1) * perExample)].reduce(0.0) { $0 + Double($1) } / Double(perExample)
        }
    }
}

/// A metric as `compile` takes it: ``Metric/accuracy``, ``Metric/meanAbsoluteError``, or a
/// custom ``MetricFunction`` through ``Metric/custom(_:)``.
public struct Metric: Sendable {
    /// The metric's computation.
    public let function: any MetricFunction

    /// A metric from its computation.
    public init(_ function: any MetricFunction) { self.function = function }

    /// A custom metric.
    public static func custom(_ function: some MetricFunction) -> Metric { Metric(function) }

    /// The fraction of correct predictions. Resolved from the loss as Keras does (see
    /// ``AccuracyKind``): sparse categorical (argmax against class indices), categorical (argmax
    /// against argmax), binary (threshold 0.5 on probabilities, 0 on logits), else exact equality.
    public static let accuracy = Metric(Accuracy())
    /// mean(|prediction - target|).
    public static let meanAbsoluteError = Metric(MeanAbsoluteErrorMetric())

    /// The key under which the metric is logged.
    public var name: String { function.name }
}
