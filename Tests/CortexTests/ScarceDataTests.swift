import Testing

@testable import Cortex

/// The scarce-data experiment of `OverfittingDemo`: 1,000 training digits, the seed CNN with
/// and without augmentation + dropout, three seeds each, tested on the 1,000 test digits.
@Suite struct ScarceDataTests {
    func accuracy(regularized: Bool, seed: UInt64) throws -> Float {
        let model = Sequential(seed: seed) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Conv2D(filters: 64, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Flatten()
            if regularized { Dropout(rate: 0.25) }
            Dense(units: 64, activation: .relu)
            Dense(units: 10, activation: .softmax)
        }
        model.compile(
            optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
        try model.fit(
            mnist.train.images.slice(0..<1000), mnist.train.labels.slice(0..<1000), epochs: 20, batchSize: 32,
            verbose: .silent, augmentation: regularized ? ImageAugmentation(maxShift: 2, maxRotation: 10) : nil)
        return try model.evaluate(mnist.test.images, mnist.test.labels)["accuracy"]!
    }

    @Test func augmentationAndDropoutBeatThePlainCNN() throws {
        let seeds: [UInt64] = [1, 2, 3]
        let plain = try seeds.map { try accuracy(regularized: false, seed: $0) }
        let regularized = try seeds.map { try accuracy(regularized: true, seed: $0) }
        let mean = { (v: [Float]) in v.reduce(0, +) / Float(v.count) }
        print("scarce data: plain \(plain), regularized \(regularized)")
        #expect(mean(regularized) > mean(plain) + 0.005, "plain \(plain), regularized \(regularized)")
    }
}
