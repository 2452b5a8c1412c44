import Testing

@testable import Cortex

func seedCNN(seed: UInt64 = 42) -> Sequential {
    Sequential(seed: seed) {
        Conv2D(filters: 32, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Conv2D(filters: 64, kernelSize: (3, 3), strides: (1, 1), padding: .valid, activation: .relu)
        MaxPooling2D(poolSize: (2, 2))
        Flatten()
        Dense(units: 64, activation: .relu)
        Dense(units: 10, activation: .softmax)
    }
}

@Suite struct SequentialTests {
    @Test func kerasNamesAndParameterCounts() throws {
        let cnn = seedCNN()
        #expect(
            cnn.layers.map(\.name) == [
                "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1",
            ])
        #expect(try cnn.build(inputShape: [28, 28, 1]) == [10])
        #expect(cnn.parameters.reduce(0) { $0 + $1.value.count } == 121_930)
        #expect(
            cnn.namedParameters.map(\.0) == [
                "conv2d.kernel", "conv2d.bias", "conv2d_1.kernel", "conv2d_1.bias", "dense.kernel", "dense.bias",
                "dense_1.kernel", "dense_1.bias",
            ])
        let summary = cnn.summary()
        #expect(summary.contains("conv2d_1 (Conv2D)"))
        #expect(summary.contains("[*, 5, 5, 64]"))
        #expect(summary.contains("Total params: 121930"))
        // Counting restarts in every model.
        #expect(seedCNN().layers[2].name == "conv2d_1")
    }

    @Test func sameSeedSameWeights() throws {
        let a = seedCNN(seed: 7), b = seedCNN(seed: 7), c = seedCNN(seed: 8)
        for m in [a, b, c] { try m.build(inputShape: [28, 28, 1]) }
        #expect(a.parameters.map(\.value.scalars) == b.parameters.map(\.value.scalars))
        #expect(a.parameters[0].value.scalars != c.parameters[0].value.scalars)
    }

    @Test func buildNamesTheLayerThatDoesNotFit() throws {
        let cnn = seedCNN()
        try cnn.build(inputShape: [28, 28, 1])
        #expect(throws: CortexError(.shapeMismatch, "dense expects input [*, 1600] but got [*, 2304]")) {
            try cnn.build(inputShape: [32, 32, 1])
        }
        #expect(throws: CortexError.self) { try seedCNN().build(inputShape: [4, 4, 1]) }
    }

    @Test func trainingModeIsPerModel() {
        let a = Sequential {
            Dense(units: 2); Dropout(rate: 0.5)
        }
        let b = Sequential { Dropout(rate: 0.5) }
        a.isTraining = true
        #expect(a.layers.allSatisfy { $0.isTraining })
        #expect(!b.isTraining && !b.layers[0].isTraining)
    }

    @Test func customModuleFindsItsParameters() {
        final class TwoLayer: Module {
            let hidden = Dense(units: 8, activation: .relu)
            let output = Dense(units: 3)
            override func callAsFunction(_ x: Tensor) -> Tensor { output(hidden(x)) }
        }
        let model = TwoLayer(seed: 1)
        let y = model(random([4, 5], seed: 2))
        #expect(y.shape == [4, 3])
        #expect(model.namedParameters.map(\.0) == ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"])
        #expect(TwoLayer(seed: 1).parameters.isEmpty)  // lazily built
        let again = TwoLayer(seed: 1)
        _ = again(random([4, 5], seed: 2))
        #expect(again.parameters.map(\.value.scalars) == model.parameters.map(\.value.scalars))
    }
}
