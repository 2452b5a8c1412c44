import Testing

@testable import Cortex

@Suite struct SequenceTrainingTests {
    @Test func seedRNNLearnsDigitSums() throws {
        var rng = RandomGenerator(seed: 1)
        let (x, y) = DigitSums.make(count: 2000, length: 10, using: &rng)
        let (trainX, trainY, testX, testY) = try trainTestSplit(x, y, testFraction: 0.25, using: &rng)
        let rnn = Sequential(seed: 7) {
            Embedding(inputDim: 10, outputDim: 16)
            SimpleRNN(units: 32, returnSequences: true)
            SimpleRNN(units: 32)
            Dense(units: 2, activation: .softmax)
        }
        rnn.compile(optimizer: Adam(learningRate: 0.003), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        try rnn.fit(trainX, trainY, epochs: 8, batchSize: 32, verbose: .silent)
        let accuracy = try rnn.evaluate(testX, testY)["accuracy"]!
        #expect(accuracy >= 0.9, "digit-sum accuracy \(accuracy)")
    }

    @Test func lstmReadsMNISTRowByRow() throws {
        let model = Sequential(seed: 3) {
            LSTM(units: 64)
            Dense(units: 10, activation: .softmax)
        }
        model.compile(
            optimizer: Adam(learningRate: 0.002), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        try model.fit(
            mnist.train.images.reshaped([-1, 28, 28]), mnist.train.labels, epochs: 10, batchSize: 32, verbose: .silent)
        let accuracy = try model.evaluate(mnist.test.images.reshaped([-1, 28, 28]), mnist.test.labels)["accuracy"]!
        #expect(accuracy >= 0.9, "row-by-row LSTM accuracy \(accuracy)")
    }
}
