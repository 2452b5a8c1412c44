import Testing

@testable import Cortex

@Suite struct Pooling2DTests {
    @Test func layersMatchKernelsAndKerasShapes() throws {
        let x = random([2, 7, 5, 3], seed: 1)
        let maxPool = MaxPooling2D(poolSize: 2)
        #expect(try maxPool.build(inputShape: [7, 5, 3]) == [3, 2, 3])
        expectClose(maxPool(x), naivePool(x, pool: (2, 2), strides: (2, 2), same: false, max: true))
        let avg = AveragePooling2D(poolSize: (3, 3), strides: (2, 2), padding: .same)
        #expect(try avg.build(inputShape: [7, 5, 3]) == [4, 3, 3])
        expectClose(avg(x), naivePool(x, pool: (3, 3), strides: (2, 2), same: true, max: false))
        #expect(throws: CortexError.self) { try MaxPooling2D(poolSize: 4).build(inputShape: [3, 3, 1]) }
    }

    @Test func flattenAndActivation() throws {
        let x = random([2, 3, 4, 5], seed: 2)
        #expect(Flatten()(x).shape == [2, 60])
        #expect(try Flatten().build(inputShape: [3, 4, 5]) == [60])
        expectClose(Activation(.tanh)(x), tanh(x))
        expectClose(Activation(.softmax)(x), softmax(x, axis: -1))
    }
}
