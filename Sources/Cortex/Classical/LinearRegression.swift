/// Ordinary least squares and ridge regression, solved exactly through LAPACK.
///
/// The features and targets are centered first so that the intercept is never penalized;
/// ridge (`l2 > 0`) solves the augmented system `[X; sqrt(l2) I] w = [y; 0]`, which minimizes
/// `||X w - y||² + l2 ||w||²`. The solve runs in Double: by the normal equations (Cholesky of
/// `XᵀX`, one pass over the data) when `X` is well conditioned, otherwise by Householder QR;
/// when the design is rank-deficient (or so ill-conditioned that QR's answer is meaningless) it
/// falls back to the SVD (`dgelsd`), which returns the minimum-norm solution as NumPy's `lstsq`
/// does. `method` tells which one ran.
public struct LinearRegression: Sendable {
    /// The ridge penalty; 0 gives ordinary least squares.
    public var l2: Float
    /// Whether to fit an intercept (an unpenalized constant term).
    public var fitIntercept: Bool
    /// `[d]` for one target, `[d, k]` for `k` targets; empty before `fit`.
    public private(set) var coefficients = Tensor(zeros: [0])
    /// `[]` (a scalar) for one target, `[k]` for `k` targets.
    public private(set) var intercept = Tensor(0)
    /// The method the last fit used: `"cholesky"`, `"qr"` or `"svd"`.
    public private(set) var method: String = ""

    public init(l2: Float = 0, fitIntercept: Bool = true) {
        check(l2 >= 0, "LinearRegression: l2 must be non-negative, got \(l2)")
        self.l2 = l2
        self.fitIntercept = fitIntercept
    }

    /// Fits `x` `[n, d]` to `y` `[n]` or `[n, k]`.
    public mutating func fit(_ x: Tensor, _ y: Tensor) throws {
        try Validate.features(x, "LinearRegression.fit")
        try Validate.targets(y, rows: x.shape[0], "LinearRegression.fit")
        let (n, d) = (x.shape[0], x.shape[1])
        let k = y.count / n
        let augmented = l2 > 0 ? d : 0
        guard n + augmented >= d else {
            throw CortexError(
                .invalidData, "LinearRegression.fit needs at least \(d) rows for \(d) features without l2, got \(n)")
        }
        var xMean = [Double](repeating: 0, count: d), yMean = [Double](repeating: 0, count: k)
        if fitIntercept {
            columnMeans(x, into: &xMean)
            columnMeans(y, into: &yMean)
        }
        let root = Double(l2).squareRoot()
        let (w, method) = x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                xMean.withUnsafeBufferPointer { mx in
                    yMean.withUnsafeBufferPointer { my in
                        LeastSquares.solve(rows: n + augmented, cols: d, outputs: k) { rows, ab in
                            // The centered system [X - mean | y - mean], then [sqrt(l2) I | 0] for ridge.
                            var row = ab
                            for i in rows {
                                if i < n {
                                    let xi = xp.baseAddress! + i &* d, yi = yp.baseAddress! + i &* k
                                    for j in 0..<d { row[j] = Double(xi[j]) - mx[j] }
                                    for j in 0..<k { row[d &+ j] = Double(yi[j]) - my[j] }
                                } else {
                                    row.initialize(repeating: 0, count: d + k)
                                    row[i - n] = root
                                }
                                row += d + k
                            }
                        }
                    }
                }
            }
        }
        var bias = yMean
        for j in 0..<k { for i in 0..<d { bias[j] -= xMean[i] * w[i * k + j] } }
        let single = y.rank == 1
        coefficients = Tensor(w.map(Float.init), shape: single ? [d] : [d, k])
        intercept = single ? Tensor(Float(bias[0])) : Tensor(bias.map(Float.init))
        self.method = method.rawValue
    }

    /// Predictions `[n]` (one target) or `[n, k]`.
    public func predict(_ x: Tensor) -> Tensor {
        check(coefficients.count > 0, "LinearRegression.predict before fit")
        let w = coefficients.rank == 1 ? coefficients.reshaped([-1, 1]) : coefficients
        let out = linear(x, w, bias: intercept.reshaped([-1]))
        return coefficients.rank == 1 ? out.reshaped([-1]) : out
    }

    /// The coefficient of determination R² (averaged over targets, as scikit-learn does).
    public func score(_ x: Tensor, _ y: Tensor) -> Float {
        rSquared(predicted: predict(x), actual: y)
    }
}

/// The per-column means of `[n, m]` (or `[n]`) `t`, summed in Double over row chunks in parallel.
private func columnMeans(_ t: Tensor, into mean: inout [Double]) {
    let rows = t.shape[0], m = mean.count
    let loop = ParallelLoop(count: rows, minimumPerThread: 4096)
    var partials = ChunkPartials<Double>(loop, width: m)
    t.withUnsafeBufferPointer { p in
        partials.withBase { partial in
            loop.run { chunk, range in
                let sum = partial + chunk * m
                var row = p.baseAddress! + range.lowerBound * m
                for _ in range {
                    for j in 0..<m { sum[j] += Double(row[j]) }
                    row += m
                }
            }
        }
    }
    mean.withUnsafeMutableBufferPointer { partials.sum(into: $0.baseAddress!) }
    for j in 0..<m {
        mean[j] /= Double(rows)
    }
}

/// 1 - SS_res / SS_tot per target column, averaged.
func rSquared(predicted: Tensor, actual: Tensor) -> Float {
    let p = predicted.scalars, t = actual.scalars
    let rows = actual.shape[0], k = t.count / rows
    var total = 0.0
    for j in 0..<k {
        var mean = 0.0
        for i in 0..<rows { mean += Double(t[i * k + j]) }
        mean /= Double(rows)
        var residual = 0.0, variance = 0.0
        for i in 0..<rows {
            residual += Foundation.pow(Double(t[i * k + j] - p[i * k + j]), 2)
            variance += Foundation.pow(Double(t[i * k + j]) - mean, 2)
        }
        total += variance == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / variance
    }
    return Float(total / Double(k))
}

import Foundation
