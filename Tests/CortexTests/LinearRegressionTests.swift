import Foundation
import Testing

@testable import Cortex

@Suite struct LinearRegressionTests {
    struct Reference: Decodable {
        let coefficients: [Double], intercept: Double, r2: Double
        let ridge_l2: Float, ridge_coefficients: [Double], ridge_intercept: Double
    }

    let reference: Reference = try! JSONDecoder().decode(
        Reference.self,
        from: Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/CortexTests/Fixtures/lstsq_diabetes.json")))

    func expectRelative(
        _ actual: [Float], _ expected: [Double], _ tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (a, e) in zip(actual, expected) {
            #expect(
                Swift.abs(Double(a) - e) <= tolerance * Swift.abs(e), "\(a) vs \(e)", sourceLocation: sourceLocation)
        }
    }

    @Test func diabetesMatchesNumPyLeastSquares() throws {
        let data = try table("diabetes")
        var ols = LinearRegression()
        try ols.fit(data.features, data.target)
        #expect(ols.method == "cholesky")
        expectRelative(ols.coefficients.scalars, reference.coefficients, 1e-4)
        expectRelative([ols.intercept.scalar], [reference.intercept], 1e-4)
        let r2 = ols.score(data.features, data.target)
        print("diabetes OLS R² on the full set: \(r2)")
        #expect(Swift.abs(Double(r2) - reference.r2) < 1e-4)
        var ridge = LinearRegression(l2: reference.ridge_l2)
        try ridge.fit(data.features, data.target)
        expectRelative(ridge.coefficients.scalars, reference.ridge_coefficients, 1e-4)
        expectRelative([ridge.intercept.scalar], [reference.ridge_intercept], 1e-4)
    }

    @Test func multiOutputAndExactRecovery() throws {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.randomNormal([50, 3], using: &rng)
        let w = Tensor([1, -2, 0.5, 3, 0, 1], shape: [3, 2])
        let y = matmul(x, w) + Tensor([4, -1])
        var model = LinearRegression()
        try model.fit(x, y)
        expectClose(model.coefficients, w, tolerance: 1e-4)
        expectClose(model.intercept, Tensor([4, -1]), tolerance: 1e-4)
        #expect(model.predict(x).shape == [50, 2])
        #expect(model.score(x, y) > 0.99999)
    }

    @Test func normalEquationsAgreeWithQR() throws {
        // Several row blocks, two outputs, uncentered data: both factorizations give one answer.
        var rng = RandomGenerator(seed: 3)
        let (rows, cols, outputs) = (5_000, 6, 2)
        let a = Tensor.randomNormal([rows, cols], mean: 3, using: &rng)
        let b =
            matmul(a, Tensor.randomNormal([cols, outputs], using: &rng))
            + Tensor.randomNormal([rows, outputs], standardDeviation: 0.1, using: &rng)
        let fill: LeastSquares.Fill = { range, ab in
            for (r, i) in range.enumerated() {
                for j in 0..<cols { ab[r * (cols + outputs) + j] = Double(a.scalars[i * cols + j]) }
                for o in 0..<outputs { ab[r * (cols + outputs) + cols + o] = Double(b.scalars[i * outputs + o]) }
            }
        }
        let (normal, normalMethod) = LeastSquares.solve(rows: rows, cols: cols, outputs: outputs, fill: fill)
        let (qr, qrMethod) = LeastSquares.solve(
            rows: rows, cols: cols, outputs: outputs, allowNormalEquations: false, fill: fill)
        #expect(normalMethod == .cholesky && qrMethod == .qr)
        for (u, v) in zip(normal, qr) { #expect(Swift.abs(u - v) <= 1e-9 * Swift.max(1, Swift.abs(v))) }
    }

    @Test func illConditionedDesignTakesTheQR() throws {
        // Two nearly collinear columns (cond ~ 1e5): too ill conditioned for the normal
        // equations, still full rank; the QR recovers the exact coefficients.
        var rng = RandomGenerator(seed: 4)
        let a = Tensor.randomNormal([3_000, 1], using: &rng)
        let noise = Tensor.randomNormal([3_000, 1], standardDeviation: 1e-5, using: &rng)
        let third = Tensor.randomNormal([3_000, 1], using: &rng)
        let x = Tensor.concatenating([a, a + noise, third], alongAxis: 1)
        let y = matmul(x, Tensor([2, -1, 0.5], shape: [3, 1])).reshaped([-1])
        var model = LinearRegression(fitIntercept: false)
        try model.fit(x, y)
        #expect(model.method == "qr")
        #expect(model.score(x, y) > 0.999999)
        expectClose(model.coefficients, Tensor([2, -1, 0.5]), tolerance: 2e-2)
    }

    @Test func rankDeficientFallsBackToMinimumNorm() throws {
        // The third column duplicates the first: the minimum-norm solution splits its weight evenly.
        var rng = RandomGenerator(seed: 2)
        let a = Tensor.randomNormal([40, 2], using: &rng)
        let x = Tensor.concatenating([a, a.slice(0..<1, alongAxis: 1)], alongAxis: 1)
        let y = (a.slice(0..<1, alongAxis: 1) * 2 + a.slice(1..<2, alongAxis: 1)).reshaped([-1])
        var model = LinearRegression(fitIntercept: false)
        try model.fit(x, y)
        #expect(model.method == "svd")
        expectClose(model.coefficients, Tensor([1, 1, 1]), tolerance: 1e-4)
    }

    @Test func refusesBadInput() {
        var model = LinearRegression()
        #expect(throws: CortexError.self) { try model.fit(Tensor(zeros: [0, 3]), Tensor(zeros: [0])) }
        #expect(throws: CortexError.self) { try model.fit(Tensor(zeros: [4, 3]), Tensor(zeros: [5])) }
        #expect(throws: CortexError.self) { try model.fit(Tensor([1, .nan, 3, 4], shape: [2, 2]), Tensor([1, 2])) }
        #expect(throws: CortexError.self) {
            try model.fit(Tensor([1, 2, 3, 4], shape: [2, 2]), Tensor([1, .infinity]))
        }
        #expect(throws: CortexError.self) { try model.fit(Tensor(ones: [2, 5]), Tensor([1, 2])) }
        #expect(model.coefficients.count == 0)
    }

    @Test func neuralNetworkPathApproachesTheExactSolution() throws {
        let data = try table("diabetes")
        var scaler = StandardScaler()
        let x = try scaler.fitTransform(data.features)
        let model = Sequential(seed: 3) { Dense(units: 1) }
        model.compile(optimizer: SGD(learningRate: 0.05), loss: .meanSquaredError)
        try model.fit(x, data.target, epochs: 500, batchSize: 442, shuffle: false, verbose: .silent)
        var ols = LinearRegression()
        try ols.fit(x, data.target)
        let r2 = rSquared(predicted: try model.predict(x).reshaped([-1]), actual: data.target)
        #expect(r2 > ols.score(x, data.target) - 0.01, "network R² \(r2)")
    }
}
