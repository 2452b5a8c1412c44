/// The totals of an epoch's loss and metrics: example-weighted, exact over the epoch however it
/// is split into batches, and additive across processes.
struct RunningMetrics {
    let loss: Loss
    let metrics: [Metric]
    /// `[loss sum, examples]` then each metric's totals.
    private(set) var totals: [Double]
    private let offsets: [Int]

    init(loss: Loss, metrics: [Metric]) {
        self.loss = loss
        self.metrics = metrics
        var offsets: [Int] = []
        var next = 2
        for metric in metrics {
            offsets.append(next)
            next += metric.function.totalsCount
        }
        self.offsets = offsets
        totals = [Double](repeating: 0, count: next)
    }

    /// Adds a batch: its loss sum (see `StepOutcome`) and predictions.
    mutating func add(lossSum: Double, predictions: Tensor, batch: Batch) {
        totals[0] += lossSum
        totals[1] += Double(batch.count)
        guard batch.count > 0 else { return }
        let input = MetricBatch(
            predictions: predictions, targets: batch.targets, sampleWeights: batch.sampleWeights, loss: loss)
        for (metric, offset) in zip(metrics, offsets) {
            var slice = Array(totals[offset..<(offset + metric.function.totalsCount)])
            metric.function.accumulate(input, into: &slice)
            totals.replaceSubrange(offset..<(offset + slice.count), with: slice)
        }
    }

    /// Replaces the totals (after summing them over processes).
    mutating func setTotals(_ values: [Double]) {
        check(values.count == totals.count, "metric totals: \(values.count) values for \(totals.count)")
        totals = values
    }

    /// `loss` then each metric, in the order given to `compile`.
    var logs: [(String, Float)] {
        [("loss", Float(totals[0] / Swift.max(totals[1], 1)))]
            + zip(metrics, offsets).map { metric, offset in
                (metric.name, metric.function.result(Array(totals[offset..<(offset + metric.function.totalsCount)])))
            }
    }
}
