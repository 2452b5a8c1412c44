/// The weighted mean of |prediction - target| over every output of every example.
public struct MeanAbsoluteErrorMetric: MetricFunction {
    /// Creates the metric.
    public init() {}
    public var name: String { "mean_absolute_error" }
    public var totalsCount: Int { 2 }

    public func accumulate(_ batch: MetricBatch, into totals: inout [Double]) {
        let p = batch.predictions.scalars
        let t = batch.targets.count == batch.predictions.count ? batch.targets.scalars : []
        let n = batch.predictions.shape.first ?? 0
        let perExample = p.count / Swift.max(n, 1)
        let weights = batch.exampleWeights
        for i in 0..<Swift.min(p.count, t.count) {
            let weight = weights[i / Swift.max(perExample, 1)]
            totals[0] += weight * Double(Swift.abs(p[i] - t[i]))
            totals[1] += weight
        }
    }

    public func result(_ totals: [Double]) -> Float { Float(totals[0] / Swift.max(totals[1], 1e-300)) }
}
