/// Limited-memory BFGS with a backtracking (Armijo) line search, in Double.
///
/// Minimizes a smooth function given its value and gradient; used by ``LogisticRegression``,
/// whose objective is convex, so the stationary point it finds is the optimum.
struct LBFGS {
    var memory = 10
    var maxIterations = 500
    /// Stop when the largest gradient component falls below this.
    var gradientTolerance = 1e-6

    /// Returns the minimizer and the number of iterations used.
    func minimize(
        _ start: [Double], _ objective: ([Double], inout [Double]) -> Double
    ) -> (x: [Double], iterations: Int, value: Double) {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var newG = [Double](repeating: 0, count: n)
        for iteration in 0..<maxIterations {
            if g.reduce(0, { Swift.max($0, Swift.abs($1)) }) < gradientTolerance { return (x, iteration, f) }
            // Two-loop recursion: direction = -H g.
            var q = g
            var alphas = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alphas[i] = rho[i] * dot(s[i], q)
                for j in 0..<n { q[j] -= alphas[i] * y[i][j] }
            }
            let gamma = s.isEmpty ? 1 / Swift.max(norm(g), 1e-12) : dot(s.last!, y.last!) / dot(y.last!, y.last!)
            for j in 0..<n { q[j] *= gamma }
            for i in 0..<s.count {
                let beta = rho[i] * dot(y[i], q)
                for j in 0..<n { q[j] += s[i][j] * (alphas[i] - beta) }
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if slope >= 0 {  // Not a descent direction (numerical trouble): restart from steepest descent.
                direction = g.map { -$0 / Swift.max(norm(g), 1e-12) }
                slope = dot(g, direction)
                s.removeAll(); y.removeAll(); rho.removeAll()
            }
            var step = 1.0, newX = x, newF = f
            var accepted = false
            for _ in 0..<40 {
                for j in 0..<n { newX[j] = x[j] + step * direction[j] }
                newF = objective(newX, &newG)
                if newF <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { return (x, iteration, f) }
            let sk = zip(newX, x).map { $0 - $1 }, yk = zip(newG, g).map { $0 - $1 }
            let sy = dot(sk, yk)
            if sy > 1e-12 {
                s.append(sk); y.append(yk); rho.append(1 / sy)
                if s.count > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            let converged = Swift.abs(f - newF) <= 1e-12 * Swift.max(1, Swift.abs(f))
            (x, f, g) = (newX, newF, newG)
            if converged { return (x, iteration + 1, f) }
        }
        return (x, maxIterations, f)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}
