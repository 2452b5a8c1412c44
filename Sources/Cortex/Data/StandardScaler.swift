/// Standardizes features to zero mean and unit variance, column by column.
///
/// Statistics come from `fit` (the population standard deviation, as scikit-learn); a constant
/// column is left centered but not scaled.
public struct StandardScaler: Sendable {
    /// `[d]` column means, after `fit`.
    public private(set) var mean = Tensor(zeros: [0])
    /// `[d]` column standard deviations (1 for constant columns), after `fit`.
    public private(set) var scale = Tensor(zeros: [0])

    public init() {}

    /// Computes the column statistics of `x` `[n, d]`.
    public mutating func fit(_ x: Tensor) throws {
        try Validate.features(x, "StandardScaler.fit")
        let (n, d) = (x.shape[0], x.shape[1])
        var sums = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        x.withUnsafeBufferPointer { p in
            for i in 0..<n { for j in 0..<d { sums[j] += Double(p[i * d + j]) } }
            for j in 0..<d { sums[j] /= Double(n) }
            for i in 0..<n {
                for j in 0..<d { squares[j] += (Double(p[i * d + j]) - sums[j]) * (Double(p[i * d + j]) - sums[j]) }
            }
        }
        mean = Tensor(sums.map(Float.init))
        scale = Tensor(
            squares.map { v in
                let s = (v / Double(n)).squareRoot(); return s > 0 ? Float(s) : 1
            })
    }

    /// `(x - mean) / scale`.
    public func transform(_ x: Tensor) throws -> Tensor {
        guard mean.count > 0 else { throw CortexError(.invalidArgument, "StandardScaler.transform before fit") }
        guard x.rank == 2, x.shape[1] == mean.count else {
            throw CortexError(.shapeMismatch, "StandardScaler expects features [*, \(mean.count)] but got \(x.shape)")
        }
        return ((x - mean) / scale).detached
    }

    /// `fit` then `transform`.
    public mutating func fitTransform(_ x: Tensor) throws -> Tensor {
        try fit(x)
        return try transform(x)
    }
}
