import Testing

@testable import Cortex

@Suite struct Conv2DTests {
    @Test func forwardMatchesDirectConvolution() throws {
        let conv = Conv2D(filters: 4, kernelSize: (3, 2), strides: (2, 1), padding: .same, activation: .relu)
        let x = random([2, 7, 6, 3], seed: 1)
        let y = conv(x)
        #expect(conv.kernel.shape == [3, 2, 3, 4])
        #expect(conv.bias!.shape == [4])
        conv.bias!.value = random([4], seed: 2)
        let reference = naiveConv2d(x, conv.kernel.value, bias: conv.bias!.value, strides: (2, 1), same: true)
        expectClose(conv(x), relu(reference), tolerance: 1e-4)
        #expect(y.shape == [2, 4, 6, 4])
    }

    @Test func glorotFansIncludeTheWindow() throws {
        let conv = Conv2D(filters: 64, kernelSize: 3)
        try conv.build(inputShape: [10, 10, 32])
        let limit = Float((6.0 / Double(9 * 32 + 9 * 64)).squareRoot())
        #expect(conv.kernel.value.scalars.allSatisfy { Swift.abs($0) <= limit })
        #expect(conv.kernel.value.scalars.max()! > 0.9 * limit)
    }

    @Test func rejectsWrongChannelsAndTooSmallInputs() throws {
        let conv = Conv2D(filters: 8, kernelSize: 3)
        try conv.build(inputShape: [8, 8, 3])
        #expect(throws: CortexError.self) { try conv.build(inputShape: [8, 8, 1]) }
        #expect(throws: CortexError.self) { try Conv2D(filters: 8, kernelSize: 5).build(inputShape: [4, 4, 1]) }
        #expect(throws: CortexError.self) { try Conv2D(filters: 8, kernelSize: 3).build(inputShape: [8, 8]) }
    }
}
