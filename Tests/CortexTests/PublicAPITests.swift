import Foundation
import Testing

import Cortex  // not @testable: this is the surface users see

/// The examples of the public API contract, written as users write them.
@Suite struct PublicAPITests {
    @Test func tensorAndAutogradSection() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let z = Tensor(zeros: [2, 3]), o = Tensor(ones: [3])
        var rng = RandomGenerator(seed: 42)
        let r = Tensor.randomNormal([3, 4], mean: 0, standardDeviation: 1, using: &rng)
        let u = Tensor.randomUniform([3, 4], in: -1...1, using: &rng)
        #expect(a.shape == [2, 3] && a.count == 6 && z.scalars.allSatisfy { $0 == 0 } && u.shape == [3, 4])
        let b = a + o
        let c = matmul(a, r)
        let d = a.reshaped([3, 2]).transposed()
        let s = a.sum(), m = a.mean(alongAxes: [1]), mx = a.max(alongAxes: [0])
        #expect(b.shape == [2, 3] && c.shape == [2, 4] && d.shape == [2, 3] && s.scalar == 21)
        #expect(m.scalars == [2, 5] && mx.scalars == [4, 5, 6])
        _ = (relu(a), sigmoid(a), tanh(a), exp(a), log(a), softmax(a, axis: -1), logSoftmax(a, axis: -1))
        _ = (a.squared(), sqrt(a), abs(a))
        let img = Tensor.randomNormal([2, 9, 7, 3], using: &rng), k = Tensor.randomNormal([3, 3, 3, 4], using: &rng)
        #expect(conv2d(img, k, strides: (2, 2), padding: .same).shape == [2, 5, 4, 4])
        #expect(maxPool2d(img, poolSize: (2, 2), strides: (2, 2)).shape == [2, 4, 3, 3])
        let w = Parameter(Tensor.randomNormal([3, 1], using: &rng))
        let x = Tensor.randomNormal([8, 3], using: &rng)
        let loss = (matmul(x, w.tensor) - 1).squared().mean()
        loss.backward()
        #expect(w.grad?.shape == [3, 1])
        w.zeroGrad()
        w.value = Tensor(zeros: [3, 1])
        let y = withoutGradients { matmul(x, w.tensor) }
        #expect(!y.isTracked && y.scalars.allSatisfy { $0 == 0 })
    }

    @Test func layersTrainingAndPersistenceSections() throws {
        let cnn = Sequential {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Conv2D(filters: 64, kernelSize: (3, 3), strides: (1, 1), padding: .valid, activation: .relu)
            MaxPooling2D(poolSize: (2, 2))
            Flatten()
            Dense(units: 64, activation: .relu)
            Dense(units: 10, activation: .softmax)
        }
        try cnn.build(inputShape: [32, 32, 3])
        #expect(cnn.summary().contains("Total params"))
        var rng = RandomGenerator(seed: 1)
        let images = Tensor.randomUniform([40, 32, 32, 3], using: &rng)
        let labels = Tensor((0..<40).map { Float($0 % 10) })
        cnn.compile(optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let history = try cnn.fit(
            images, labels, epochs: 2, batchSize: 16, validationData: (images, labels), shuffle: true,
            verbose: .silent, callbacks: [EarlyStopping(monitor: "val_loss", patience: 2)])
        #expect(history.metrics["loss"]?.count == 2 && history.metrics["val_accuracy"]?.count == 2)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-api-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try history.plot(to: folder.appendingPathComponent("curves.svg"))
        let scores = try cnn.evaluate(images, labels)
        #expect(scores["loss"] != nil && scores["accuracy"] != nil)
        #expect(try cnn.predict(images, batchSize: 256).shape == [40, 10])
        let optimizer = Adam(learningRate: 1e-3)
        cnn.isTraining = true
        for (xb, yb) in Batches(images, labels, batchSize: 16, shuffle: true, using: &rng) {
            let loss = Loss.sparseCategoricalCrossentropy()(cnn(xb), yb)
            loss.backward()
            optimizer.step(cnn.parameters)
        }
        cnn.isTraining = false
        try cnn.save(to: folder.appendingPathComponent("cnn.safetensors"))
        try cnn.loadWeights(from: folder.appendingPathComponent("cnn.safetensors"))
        _ =
            [
                SGD(learningRate: 0.1, momentum: 0.9, nesterov: true),
                Adam(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7),
                AdamW(), RMSprop(), SGD(learningRate: 0.1, clipNorm: 1),
            ] as [Optimizer]
        _ =
            [
                Embedding(inputDim: 10, outputDim: 16), SimpleRNN(units: 32, activation: .tanh, returnSequences: true),
                LSTM(units: 8, returnSequences: false), GRU(units: 8, returnSequences: true), BatchNormalization(),
                Activation(.relu), Dropout(rate: 0.5), AveragePooling2D(poolSize: 2),
            ] as [Module]
        Cortex.threadCount = Cortex.threadCount
    }

    @Test func classicalSection() throws {
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.randomNormal([50, 3], using: &rng)
        let y = matmul(x, Tensor([1, 2, 3], shape: [3, 1])).reshaped([50]) + 0.5
        var ols = LinearRegression()
        try ols.fit(x, y)
        _ = (ols.coefficients, ols.intercept, ols.predict(x))
        #expect(ols.score(x, y) > 0.999)
        var ridge = LinearRegression(l2: 0.1)
        try ridge.fit(x, y)
        var logit = LogisticRegression(l2: 1e-4, maxIterations: 500)
        let labels = Tensor(y.scalars.map { $0 > 0.5 ? 1 : 0 })
        try logit.fit(x, labels)
        _ = (logit.predictProbabilities(x), logit.predict(x))
        #expect(logit.score(x, labels) > 0.9)
    }
}
