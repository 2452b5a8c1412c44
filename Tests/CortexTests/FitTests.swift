import Foundation
import Testing

@testable import Cortex

/// The bundled MNIST subset, loaded once.
let mnist: (train: LabeledImages, test: LabeledImages) = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try! MNIST.load(directory: root.appendingPathComponent("Data/mnist-5k"))
}()

@Suite struct FitTests {
    @Test func mlpReachesNinetyTwoPercentOnMNIST() throws {
        let model = Sequential(seed: 1) {
            Flatten()
            Dense(units: 128, activation: .relu)
            Dense(units: 10, activation: .softmax)
        }
        model.compile(
            optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let history = try model.fit(mnist.train.images, mnist.train.labels, epochs: 8, batchSize: 32, verbose: .silent)
        #expect(history.metrics["loss"]!.count == 8)
        #expect(history.metrics["loss"]!.last! < history.metrics["loss"]!.first!)
        let scores = try model.evaluate(mnist.test.images, mnist.test.labels)
        #expect(scores["accuracy"]! >= 0.92, "MLP test accuracy \(scores["accuracy"]!)")
    }

    @Test func seedCNNLearnsDigits() throws {
        let cnn = seedCNN(seed: 42)
        cnn.compile(optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let history = try cnn.fit(
            mnist.train.images, mnist.train.labels, epochs: 10, batchSize: 32,
            validationData: (mnist.test.images, mnist.test.labels), verbose: .silent)
        // At least 96 % within ten epochs, and no collapse at the end.
        let accuracy = history.metrics["val_accuracy"]!
        #expect(accuracy.max()! >= 0.96 && accuracy.last! >= 0.95, "CNN test accuracy per epoch \(accuracy)")
        #expect(!cnn.isTraining)
        let probabilities = try cnn.predict(mnist.test.images.slice(0..<300), batchSize: 128)
        #expect(probabilities.shape == [300, 10])
        let rowSums = probabilities.sum(squeezingAxes: [1]).scalars
        #expect(rowSums.allSatisfy { Swift.abs($0 - 1) < 1e-4 })
    }

    @Test func validationSplitEarlyStoppingAndHandWrittenLoop() throws {
        let model = Sequential(seed: 2) {
            Flatten(); Dense(units: 10, activation: .softmax)
        }
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let x = mnist.train.images.slice(0..<1000), y = mnist.train.labels.slice(0..<1000)
        let stopper = EarlyStopping(monitor: "val_loss", patience: 0, mode: .max)  // stops at once: loss falls
        let history = try model.fit(
            x, y, epochs: 5, batchSize: 100, validationSplit: 0.2, verbose: .silent, callbacks: [stopper])
        #expect(history.epochs == [0, 1])
        #expect(stopper.stoppedEpoch == 1)
        #expect(history.metrics["val_accuracy"]!.count == 2)

        var rng = RandomGenerator(seed: 3)
        let optimizer = Adam(learningRate: 1e-3)
        model.isTraining = true
        var losses: [Float] = []
        for (xb, yb) in Batches(x, y, batchSize: 64, shuffle: true, using: &rng) {
            let loss = Loss.sparseCategoricalCrossentropy()(model(xb), yb)
            loss.backward()
            optimizer.step(model.parameters)
            losses.append(loss.scalar)
        }
        #expect(losses.count == 16)  // 15 full batches and a final partial one
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }

    @Test func badInputThrowsBeforeAnyWeightChanges() throws {
        let model = Sequential(seed: 4) {
            Flatten(); Dense(units: 10, activation: .softmax)
        }
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let x = mnist.train.images.slice(0..<64), y = mnist.train.labels.slice(0..<64)
        try model.build(inputShape: [28, 28, 1])
        let before = model.parameters.map(\.value.scalars)
        func expectFailure(_ message: String, _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("expected an error containing \"\(message)\"")
            } catch let error as CortexError {
                #expect(error.description.contains(message), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(model.parameters.map(\.value.scalars) == before)
        }
        expectFailure("labels has 63 rows but inputs has 64") { try model.fit(x, y.slice(0..<63), verbose: .silent) }
        expectFailure("expected a class index in 0..<10") {
            try model.fit(x, Tensor(repeating: 10, shape: [64]), verbose: .silent)
        }
        expectFailure("inputs are empty") { try model.fit(x.slice(0..<0), y.slice(0..<0), verbose: .silent) }
        var nan = x.scalars
        nan[28 * 28 * 5 + 3] = .nan
        expectFailure("inputs contain nan at row 5") { try model.fit(Tensor(nan, shape: x.shape), y, verbose: .silent) }
        expectFailure("dense expects input [*, 784] but got [*, 1024]") {
            try model.fit(Tensor(zeros: [64, 32, 32, 1]), y, verbose: .silent)
        }
        expectFailure("validation labels has 10 rows") {
            try model.fit(x, y, validationData: (x, y.slice(0..<10)), verbose: .silent)
        }
        expectFailure("must be compiled") {
            try Sequential { Dense(units: 1) }.fit(x, y, verbose: .silent)
        }
        expectFailure("batchSize must be positive") { try model.fit(x, y, batchSize: 0, verbose: .silent) }
    }

    @Test func terminateOnNaNStopsTraining() throws {
        let model = Sequential(seed: 5) { Dense(units: 1) }
        model.compile(optimizer: SGD(learningRate: 1e30), loss: .meanSquaredError)
        let x = Tensor.randomNormal([256, 4], using: &rngForTests), y = Tensor(repeating: 1e30, shape: [256])
        let history = try model.fit(x, y, epochs: 3, batchSize: 8, verbose: .silent, callbacks: [TerminateOnNaN()])
        #expect(history.epochs == [0])
        #expect(!(history.metrics["loss"]![0].isFinite))
    }
}

nonisolated(unsafe) var rngForTests = RandomGenerator(seed: 99)
