/// A quantity reported during training and evaluation, averaged over examples.
public enum Metric: Sendable, Hashable {
    /// The fraction of correct predictions. Resolved from the loss as Keras does: sparse
    /// categorical (argmax against class indices), categorical (argmax against argmax), binary
    /// (threshold 0.5 on probabilities, 0 on logits), else exact equality.
    case accuracy
    /// mean(|prediction - target|).
    case meanAbsoluteError

    /// The key under which the metric is logged.
    public var name: String {
        switch self {
        case .accuracy: "accuracy"
        case .meanAbsoluteError: "mean_absolute_error"
        }
    }

    /// The metric's sum over the batch and the number of examples it averages over.
    func evaluate(_ predictions: Tensor, _ targets: Tensor, loss: Loss) -> (sum: Double, count: Int) {
        let p = predictions.scalars, t = targets.scalars
        switch self {
        case .meanAbsoluteError:
            let aligned = targets.count == predictions.count ? t : targets.aligned(to: predictions).scalars
            return (zip(p, aligned).reduce(0.0) { $0 + Double(Swift.abs($1.0 - $1.1)) }, p.count)
        case .accuracy:
            switch loss.function.accuracy {
            case .sparseCategorical:
                let classes = predictions.shape[predictions.rank - 1]
                let rows = p.count / classes
                var correct = 0
                for r in 0..<rows where argmaxRow(p, r, classes) == Int(t[r]) { correct += 1 }
                return (Double(correct), rows)
            case .categorical:
                let classes = predictions.shape[predictions.rank - 1]
                let rows = p.count / classes
                var correct = 0
                for r in 0..<rows where argmaxRow(p, r, classes) == argmaxRow(t, r, classes) { correct += 1 }
                return (Double(correct), rows)
            case .binary(let threshold):
                var correct = 0
                for (x, y) in zip(p, t) where (x > threshold ? 1 : 0) == y { correct += 1 }
                return (Double(correct), p.count)
            case .exact:
                var correct = 0
                for (x, y) in zip(p, t) where x == y { correct += 1 }
                return (Double(correct), p.count)
            }
        }
    }

    private func argmaxRow(_ values: [Float], _ row: Int, _ classes: Int) -> Int {
        var best = 0
        for k in 1..<Swift.max(classes, 1) where values[row * classes + k] > values[row * classes + best] { best = k }
        return best
    }
}
