/// The totals of an epoch's losses and metrics: example-weighted, exact over the epoch however
/// it is split into batches, and additive across processes.
///
/// Logged names follow Keras: `loss` (the weighted total), and for a model with several outputs
/// `<output>_loss` and `<output>_<metric>` per output; for one output, the metrics' own names.
struct RunningMetrics {
    let configuration: TrainingConfiguration
    /// `[total loss sum, examples]`, then per output its loss sum, then each metric's totals.
    private(set) var totals: [Double]
    private let metricOffsets: [[Int]]

    init(_ configuration: TrainingConfiguration) {
        self.configuration = configuration
        var next = 2 + configuration.losses.count
        var offsets: [[Int]] = []
        for metrics in configuration.metrics {
            offsets.append(
                metrics.map { metric in
                    defer { next += metric.function.totalsCount }
                    return next
                })
        }
        metricOffsets = offsets
        totals = [Double](repeating: 0, count: next)
    }

    /// Adds a batch: the total loss sum and each output's (see `StepOutcome`), and predictions.
    mutating func add(_ outcome: StepOutcome, batch: Batch) {
        totals[0] += outcome.lossSum
        totals[1] += Double(batch.count)
        for (k, sum) in outcome.outputLossSums.enumerated() { totals[2 + k] += sum }
        guard batch.count > 0 else { return }
        for (k, metrics) in configuration.metrics.enumerated() {
            let input = MetricBatch(
                predictions: outcome.predictions[k], targets: batch.targets[k], sampleWeights: batch.sampleWeights,
                loss: configuration.losses[k])
            for (metric, offset) in zip(metrics, metricOffsets[k]) {
                var slice = Array(totals[offset..<(offset + metric.function.totalsCount)])
                metric.function.accumulate(input, into: &slice)
                totals.replaceSubrange(offset..<(offset + slice.count), with: slice)
            }
        }
    }

    /// Replaces the totals (after summing them over processes).
    mutating func setTotals(_ values: [Double]) {
        check(values.count == totals.count, "metric totals: \(values.count) values for \(totals.count)")
        totals = values
    }

    /// `loss`, then per output its loss (several outputs) and metrics, in `compile`'s order.
    var logs: [(String, Float)] {
        let examples = Swift.max(totals[1], 1)
        var logs = [("loss", Float(totals[0] / examples))]
        let several = configuration.losses.count > 1
        for (k, metrics) in configuration.metrics.enumerated() {
            let prefix = several ? configuration.outputNames[k] + "_" : ""
            if several { logs.append((prefix + "loss", Float(totals[2 + k] / examples))) }
            for (metric, offset) in zip(metrics, metricOffsets[k]) {
                logs.append(
                    (
                        prefix + metric.name,
                        metric.function.result(Array(totals[offset..<(offset + metric.function.totalsCount)]))
                    ))
            }
        }
        return logs
    }
}
