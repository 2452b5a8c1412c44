import Testing

@testable import Cortex

@Suite struct LogisticRegressionTests {
    @Test func breastCancerBinary() throws {
        let (trainX, trainY, testX, testY) = try standardizedSplit("breast_cancer")
        var model = LogisticRegression(l2: 1e-3)
        try model.fit(trainX, trainY)
        let accuracy = model.score(testX, testY)
        print("breast_cancer logistic regression test accuracy: \(accuracy)")
        #expect(accuracy >= 0.95)
        #expect(model.coefficients.shape == [30])
        let p = model.predictProbabilities(testX)
        #expect(p.shape == [testX.shape[0], 2])
        #expect(p.sum(squeezingAxes: [1]).scalars.allSatisfy { Swift.abs($0 - 1) < 1e-5 })
    }

    @Test(arguments: ["iris", "wine"])
    func multinomial(_ name: String) throws {
        let (trainX, trainY, testX, testY) = try standardizedSplit(name)
        var model = LogisticRegression(l2: 1e-3)
        try model.fit(trainX, trainY)
        let accuracy = model.score(testX, testY)
        print("\(name) multinomial logistic regression test accuracy: \(accuracy)")
        #expect(accuracy >= 0.9)
        #expect(model.classCount == 3)
        #expect(model.coefficients.shape == [trainX.shape[1], 3])
    }

    @Test func reachesTheOptimum() throws {
        // At the optimum the gradient of mean CE + l2 |w|² vanishes: Xᵀ(p - y)/n + 2 l2 w = 0.
        let (x, y, _, _) = try standardizedSplit("breast_cancer")
        var model = LogisticRegression(l2: 0.01)
        try model.fit(x, y)
        let p = sigmoid(linear(x, model.coefficients.reshaped([-1, 1]), bias: model.intercept.reshaped([1]))).reshaped([
            -1
        ])
        let residual = (p - y).reshaped([-1, 1])
        let gradient =
            matmul(x, residual, transposeA: true).reshaped([-1]) / Float(x.shape[0]) + model.coefficients * 0.02
        #expect(gradient.scalars.allSatisfy { Swift.abs($0) < 1e-4 })
        #expect(Swift.abs(residual.mean().scalar) < 1e-4)  // intercept's gradient, unpenalized
    }

    @Test func neuralNetworkPath() throws {
        let (trainX, trainY, testX, testY) = try standardizedSplit("breast_cancer")
        let model = Sequential(seed: 4) { Dense(units: 1, activation: .sigmoid) }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: .binaryCrossentropy(), metrics: [.accuracy])
        try model.fit(trainX, trainY, epochs: 50, batchSize: 32, verbose: .silent)
        let scores = try model.evaluate(testX, testY)
        #expect(scores["accuracy"]! >= 0.95)
    }

    @Test func refusesBadInput() {
        var model = LogisticRegression()
        #expect(throws: CortexError.self) { try model.fit(Tensor(ones: [4, 2]), Tensor([1, 1, 1, 1])) }
        #expect(throws: CortexError.self) { try model.fit(Tensor(ones: [4, 2]), Tensor([0, 1, 0.5, 1])) }
        #expect(throws: CortexError.self) { try model.fit(Tensor(ones: [4, 2]), Tensor([0, 1, 0])) }
        #expect(throws: CortexError.self) { try model.fit(Tensor(zeros: [0, 2]), Tensor(zeros: [0])) }
        #expect(throws: CortexError.self) { try model.fit(Tensor([1, .nan, 1, 1], shape: [2, 2]), Tensor([0, 1])) }
    }
}
