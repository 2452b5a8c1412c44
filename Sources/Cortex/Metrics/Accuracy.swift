/// The weighted fraction of correct predictions, compared as the loss's ``AccuracyKind`` says.
public struct Accuracy: MetricFunction {
    /// Creates the metric.
    public init() {}
    public var name: String { "accuracy" }
    public var totalsCount: Int { 2 }

    public func accumulate(_ batch: MetricBatch, into totals: inout [Double]) {
        let p = batch.predictions.scalars, t = batch.targets.scalars
        let n = batch.predictions.shape.first ?? 0
        let weights = batch.exampleWeights
        let kind = batch.loss.function.accuracy
        switch kind {
        case .sparseCategorical, .categorical:
            let classes = batch.predictions.shape.last ?? 1
            let rows = p.count / Swift.max(classes, 1)
            let rowsPerExample = rows / Swift.max(n, 1)
            for r in 0..<rows {
                let label = kind == .sparseCategorical ? Int(t[r]) : argmax(t, r, classes)
                let weight = weights[r / Swift.max(rowsPerExample, 1)] / Double(rowsPerExample)
                if argmax(p, r, classes) == label { totals[0] += weight }
                totals[1] += weight
            }
        case .binary(let threshold):
            let perExample = p.count / Swift.max(n, 1)
            for i in 0..<p.count {
                let weight = weights[i / Swift.max(perExample, 1)] / Double(perExample)
                if (p[i] > threshold ? 1 : 0) == t[i] { totals[0] += weight }
                totals[1] += weight
            }
        case .exact:
            let perExample = p.count / Swift.max(n, 1)
            for i in 0..<Swift.min(p.count, t.count) {
                let weight = weights[i / Swift.max(perExample, 1)] / Double(perExample)
                if p[i] == t[i] { totals[0] += weight }
                totals[1] += weight
            }
        }
    }

    public func result(_ totals: [Double]) -> Float { Float(totals[0] / Swift.max(totals[1], 1e-300)) }

    private func argmax(_ values: [Float], _ row: Int, _ classes: Int) -> Int {
        var best = 0
        for k in 1..<Swift.max(classes, 1) where values[row * classes + k] > values[row * classes + best] { best = k }
        return best
    }
}
