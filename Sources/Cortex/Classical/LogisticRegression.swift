import Foundation

/// Binary (sigmoid) or multinomial (softmax) logistic regression, fitted to the optimum.
///
/// Minimizes `mean cross-entropy + l2 * ||W||²` (the intercept is not penalized) with L-BFGS in
/// Double; the objective is convex, so the result does not depend on initialization. Labels are
/// class indices `0..<classes` stored as `Float`; two classes give the binary model.
public struct LogisticRegression: Sendable {
    /// The L2 penalty on the weights (as a Keras `l2` regularizer: `l2 * sum(w²)`).
    public var l2: Float
    public var maxIterations: Int
    /// `[d]` for binary problems, `[d, classes]` for multinomial ones; empty before `fit`.
    public private(set) var coefficients = Tensor(zeros: [0])
    /// `[]` for binary problems, `[classes]` for multinomial ones.
    public private(set) var intercept = Tensor(0)
    /// The number of classes seen by `fit`.
    public private(set) var classCount = 0
    /// L-BFGS iterations used by the last fit.
    public private(set) var iterations = 0

    public init(l2: Float = 1e-4, maxIterations: Int = 500) {
        check(l2 >= 0 && maxIterations > 0, "LogisticRegression: l2 must be >= 0 and maxIterations > 0")
        self.l2 = l2
        self.maxIterations = maxIterations
    }

    /// Fits `x` `[n, d]` to class indices `labels` `[n]`.
    public mutating func fit(_ x: Tensor, _ labels: Tensor) throws {
        try Validate.features(x, "LogisticRegression.fit")
        try Validate.targets(labels, rows: x.shape[0], "LogisticRegression.fit")
        guard labels.rank == 1 else {
            throw CortexError(.shapeMismatch, "LogisticRegression.fit expects labels [n] but got \(labels.shape)")
        }
        let y = labels.scalars
        if let bad = y.first(where: { $0 < 0 || $0 != $0.rounded() }) {
            throw CortexError(.invalidData, "LogisticRegression.fit: label \(bad) is not a class index")
        }
        let classes = Int(y.max()!) + 1
        guard Set(y).count >= 2 else {
            throw CortexError(
                .invalidData, "LogisticRegression.fit needs at least two classes, got only class \(Int(y[0]))")
        }
        let (n, d) = (x.shape[0], x.shape[1])
        let k = classes == 2 ? 1 : classes
        let xs = x.scalars.map(Double.init)
        let penalty = Double(l2)
        var logits = [Double](repeating: 0, count: n * k)
        var residual = [Double](repeating: 0, count: n * k)
        // θ = [W (d x k, row-major), b (k)].
        let objective = { (theta: [Double], gradient: inout [Double]) -> Double in
            var loss = 0.0
            theta.withUnsafeBufferPointer { t in
                xs.withUnsafeBufferPointer { xp in
                    logits.withUnsafeMutableBufferPointer { z in
                        for i in 0..<n { for j in 0..<k { z[i * k + j] = t[d * k + j] } }
                        // Z = X W + b: M = n, N = k, K = d.
                        Backend.current.dgemm(
                            false, false, n, k, d, 1, xp.baseAddress!, d, t.baseAddress!, k, 1, z.baseAddress!, k)
                    }
                }
            }
            for i in 0..<n {
                let label = Int(y[i])
                if k == 1 {
                    let z = logits[i]
                    loss += Swift.max(z, 0) - z * Double(label) + Foundation.log1p(Foundation.exp(-Swift.abs(z)))
                    let p = z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z))
                    residual[i] = (p - Double(label)) / Double(n)
                } else {
                    var m = -Double.infinity
                    for j in 0..<k { m = Swift.max(m, logits[i * k + j]) }
                    var total = 0.0
                    for j in 0..<k { total += Foundation.exp(logits[i * k + j] - m) }
                    loss += Foundation.log(total) + m - logits[i * k + label]
                    for j in 0..<k {
                        let p = Foundation.exp(logits[i * k + j] - m) / total
                        residual[i * k + j] = (p - (j == label ? 1 : 0)) / Double(n)
                    }
                }
            }
            loss /= Double(n)
            gradient.withUnsafeMutableBufferPointer { g in
                xs.withUnsafeBufferPointer { xp in
                    residual.withUnsafeBufferPointer { r in
                        // dW = Xᵀ R: M = d, N = k, K = n.
                        Backend.current.dgemm(
                            true, false, d, k, n, 1, xp.baseAddress!, d, r.baseAddress!, k, 0, g.baseAddress!, k)
                        for j in 0..<k {
                            var s = 0.0
                            for i in 0..<n { s += r[i * k + j] }
                            g[d * k + j] = s
                        }
                    }
                }
                for i in 0..<(d * k) {
                    loss += penalty * theta[i] * theta[i]
                    g[i] += 2 * penalty * theta[i]
                }
            }
            return loss
        }
        var solver = LBFGS()
        solver.maxIterations = maxIterations
        let result = solver.minimize([Double](repeating: 0, count: d * k + k), objective)
        iterations = result.iterations
        classCount = classes
        let w = result.x[0..<(d * k)].map(Float.init), b = result.x[(d * k)...].map(Float.init)
        coefficients = Tensor(w, shape: k == 1 ? [d] : [d, k])
        intercept = k == 1 ? Tensor(b[0]) : Tensor(b)
    }

    /// Class probabilities `[n, classes]`.
    public func predictProbabilities(_ x: Tensor) -> Tensor {
        check(classCount > 0, "LogisticRegression.predictProbabilities before fit")
        if classCount == 2 {
            let p = sigmoid(linear(x, coefficients.reshaped([-1, 1]), bias: intercept.reshaped([1])))
            return Tensor.concatenating([1 - p, p], alongAxis: 1).detached
        }
        return softmax(linear(x, coefficients, bias: intercept)).detached
    }

    /// The most probable class of each row, `[n]`.
    public func predict(_ x: Tensor) -> Tensor { predictProbabilities(x).argmax(alongAxis: 1) }

    /// The fraction of rows whose predicted class equals `labels`.
    public func score(_ x: Tensor, _ labels: Tensor) -> Float {
        let predicted = predict(x).scalars, actual = labels.scalars
        return Float(zip(predicted, actual).filter { $0 == $1 }.count) / Float(Swift.max(actual.count, 1))
    }
}
