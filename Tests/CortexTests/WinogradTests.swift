import Testing

@testable import Cortex

@Suite struct WinogradTests {
    /// Forward output and all three gradients of the Winograd path against the im2col path
    /// (itself checked against a direct convolution and finite differences).
    func expectMatchesIm2col(
        _ xShape: [Int], cout: Int, padding: Padding, relu: Bool, tolerance: Float = 1e-4,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let x = random(xShape, seed: 1), k = random([3, 3, xShape[3], cout], seed: 2), b = random([cout], seed: 3)
        let g = ConvGeometry(inputShape: xShape, window: (3, 3), strides: (1, 1), padding: padding, op: "test")
        #expect(WinogradConvolution.applies(g, outChannels: cout), sourceLocation: sourceLocation)
        var outputs: [Tensor] = [], gradients: [[Tensor]] = []
        for winograd in [true, false] {
            let px = Parameter(x), pk = Parameter(k), pb = Parameter(b)
            let y = conv2d(
                px.tensor, pk.tensor, bias: pb.tensor, strides: (1, 1), padding: padding,
                epilogue: Epilogue(relu: relu),
                allowWinograd: winograd)
            (y * random(y.shape, seed: 4)).sum().backward()
            outputs.append(y)
            gradients.append([px.grad!, pk.grad!, pb.grad!])
        }
        expectClose(outputs[0], outputs[1], tolerance: tolerance, sourceLocation: sourceLocation)
        for (w, i) in zip(gradients[0], gradients[1]) {
            expectClose(w, i, tolerance: tolerance, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [Padding.valid, .same])
    func forwardMatchesDirectConvolution(padding: Padding) {
        // Odd output sizes (5x4 valid, 7x6 same) leave half-empty edge tiles.
        let x = random([2, 7, 6, 16], seed: 1), k = random([3, 3, 16, 24], seed: 2), b = random([24], seed: 3)
        let y = conv2d(x, k, bias: b, padding: padding)
        expectClose(y, naiveConv2d(x, k, bias: b, strides: (1, 1), same: padding == .same), tolerance: 1e-4)
    }

    @Test(arguments: [(Padding.valid, false), (.same, true), (.valid, true)])
    func gradientsMatchIm2col(padding: Padding, relu: Bool) {
        expectMatchesIm2col([2, 7, 6, 16], cout: 24, padding: padding, relu: relu)
    }

    @Test func severalBlocksAcrossThreads() {
        // 18x18 outputs: a few images per block, so blocks and per-thread partial sums are exercised.
        let plan = WinogradConvolution(
            ConvGeometry(inputShape: [9, 20, 20, 32], window: (3, 3), strides: (1, 1), padding: .valid, op: "test"),
            outChannels: 64)
        #expect(plan.blockCount >= 3)
        expectMatchesIm2col([9, 20, 20, 32], cout: 64, padding: .valid, relu: true)
    }

    @Test func opTableChecksTheWinogradPath() {
        // The op table's finite-difference checks of Winograd samples (plain, ReLU, pooling)
        // must run through Winograd, not fall back to im2col.
        let winograd = OpTable.samples.filter { $0.op.hasPrefix("conv2d") && $0.label.hasSuffix(" Winograd") }
        #expect(winograd.count >= 5)
        #expect(winograd.contains { $0.label.contains("ReLU 2x2 max pool") })
    }

    @Test func fewChannelsAndStridesUseIm2col() {
        func applies(_ shape: [Int], _ cout: Int, _ stride: Int) -> Bool {
            WinogradConvolution.applies(
                ConvGeometry(inputShape: shape, window: (3, 3), strides: (stride, stride), padding: .valid, op: "test"),
                outChannels: cout)
        }
        #expect(!applies([1, 8, 8, 3], 32, 1))
        #expect(!applies([1, 8, 8, 32], 12, 1))
        #expect(!applies([1, 8, 8, 32], 32, 2))
        #expect(applies([1, 8, 8, 32], 64, 1))
    }
}
