import Testing

@testable import Cortex

@Suite struct EmbeddingTests {
    @Test func lookupAndScatterAddGradient() throws {
        let layer = Embedding(inputDim: 5, outputDim: 3)
        try layer.build(inputShape: [4])
        #expect(layer.embeddings.value.scalars.allSatisfy { Swift.abs($0) <= 0.05 })
        layer.embeddings.value = Tensor((0..<15).map(Float.init), shape: [5, 3])
        let indices = Tensor([4, 0, 4, 1, 2, 2, 2, 3], shape: [2, 4])
        let y = layer(indices)
        #expect(y.shape == [2, 4, 3])
        #expect(Array(y.scalars[0..<6]) == [12, 13, 14, 0, 1, 2])
        y.sum().backward()
        // Row 4 used twice, row 2 three times, the others once.
        #expect(layer.embeddings.grad!.scalars == [1, 1, 1, 1, 1, 1, 3, 3, 3, 1, 1, 1, 2, 2, 2])
    }

    @Test func outOfRangeIndexIsAThrownErrorAtModelLevel() throws {
        let model = Sequential(seed: 1) {
            Embedding(inputDim: 10, outputDim: 4); SimpleRNN(units: 3); Dense(units: 2)
        }
        model.compile(optimizer: Adam(), loss: .sparseCategoricalCrossentropy(fromLogits: true))
        let x = Tensor([1, 2, 3, 10, 0, 1], shape: [2, 3]), y = Tensor([0, 1])
        try model.build(inputShape: [3])
        let before = model.parameters.map(\.value.scalars)
        #expect(throws: CortexError(.invalidData, "embedding expects indices in 0..<10 but got 10.0 at row 1")) {
            try model.fit(x, y, verbose: .silent)
        }
        #expect(throws: CortexError.self) { try model.predict(Tensor([-1, 0, 0], shape: [1, 3])) }
        #expect(model.parameters.map(\.value.scalars) == before)
    }
}
