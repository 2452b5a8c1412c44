import Foundation

/// Keras's default initializers, drawing from the model's generator.
enum Initializer {
    /// Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)).
    static func glorotUniform(_ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) -> Tensor
    {
        let limit = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
        return Tensor.randomUniform(shape, in: -limit...limit, using: &generator)
    }

    /// A random orthogonal matrix `[rows, cols]` (Q of the QR factorization of a normal matrix,
    /// signs fixed by R's diagonal), as Keras's `Orthogonal`.
    static func orthogonal(rows: Int, cols: Int, using generator: inout RandomGenerator) -> Tensor {
        let tall = rows >= cols
        let (m, n) = tall ? (rows, cols) : (cols, rows)
        var a = Tensor.randomNormal([m, n], using: &generator).scalars
        var tau = [Float](repeating: 0, count: n)
        var diagonal = [Float](repeating: 1, count: n)
        LAPACK.householderQR(&a, rows: m, cols: n, tau: &tau)
        for i in 0..<n { diagonal[i] = a[i * n + i] < 0 ? -1 : 1 }
        LAPACK.formQ(&a, rows: m, cols: n, tau: &tau)
        for r in 0..<m { for c in 0..<n { a[r * n + c] *= diagonal[c] } }
        let q = Tensor(a, shape: [m, n])
        return tall ? q : q.transposed()
    }
}
