// Sequence models on two tasks:
//  1. the seed document's RNN (Embedding -> SimpleRNN x2 -> Dense softmax) on a synthetic task:
//     is the sum of a sequence's ten digits above the median sum?
//  2. row-by-row MNIST: an LSTM(64) reads each 28x28 digit as 28 steps of 28 pixels.
import Cortex
import Foundation

let arguments = CommandLine.arguments
let epochs = arguments.firstIndex(of: "--epochs").flatMap { Int(arguments[$0 + 1]) } ?? 10
let task = arguments.firstIndex(of: "--task").map { arguments[$0 + 1] } ?? "all"

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now()
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

do {
    if task == "all" || task == "digits" {
        var rng = RandomGenerator(seed: 1)
        let (x, y) = DigitSums.make(count: 3000, length: 10, using: &rng)
        let (trainX, trainY, testX, testY) = try trainTestSplit(x, y, testFraction: 0.2, using: &rng)
        let rnn = Sequential(seed: 7) {
            Embedding(inputDim: 10, outputDim: 16)
            SimpleRNN(units: 32, returnSequences: true)
            SimpleRNN(units: 32)
            Dense(units: 2, activation: .softmax)
        }
        try rnn.build(inputShape: [10])
        print(rnn.summary())
        rnn.compile(optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let seconds = try time {
            try rnn.fit(trainX, trainY, epochs: epochs, batchSize: 32, validationData: (testX, testY))
        }
        let scores = try rnn.evaluate(testX, testY)
        print(
            String(
                format: "Digit-sum RNN: test accuracy %.2f%%, %.0f sequences/s in training",
                scores["accuracy"]! * 100, Double(trainX.shape[0] * epochs) / seconds))
    }
    if task == "all" || task == "mnist" {
        let (train, test) = try MNIST.load(directory: "Data/mnist-5k")
        let rows = { (images: Tensor) in images.reshaped([-1, 28, 28]) }
        let model = Sequential(seed: 3) {
            LSTM(units: 64)
            Dense(units: 10, activation: .softmax)
        }
        model.compile(
            optimizer: Adam(learningRate: 0.002), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        let seconds = try time {
            try model.fit(
                rows(train.images), train.labels, epochs: epochs, batchSize: 32,
                validationData: (rows(test.images), test.labels))
        }
        let scores = try model.evaluate(rows(test.images), test.labels)
        print(
            String(
                format: "Row-by-row MNIST LSTM(64): test accuracy %.2f%%, %.0f sequences/s in training",
                scores["accuracy"]! * 100, Double(train.count * epochs) / seconds))
    }
} catch {
    print("error: \(error)")
    exit(1)
}
