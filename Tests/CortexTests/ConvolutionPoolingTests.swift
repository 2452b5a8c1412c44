import Testing

@testable import Cortex

@Suite struct ConvolutionPoolingTests {
    /// The fused op against `maxPool2d(conv2d(...))`: output and all gradients.
    func expectMatchesSeparateOps(
        _ xShape: [Int], kernel: Int, cout: Int, padding: Padding, relu: Bool, winograd: Bool,
        strides: (Int, Int) = (1, 1), sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let x = random(xShape, seed: 1), k = random([kernel, kernel, xShape[3], cout], seed: 2)
        let b = random([cout], seed: 3)
        var outputs: [Tensor] = [], gradients: [[Tensor]] = []
        for fused in [true, false] {
            let px = Parameter(x), pk = Parameter(k), pb = Parameter(b)
            let y =
                fused
                ? conv2d(
                    px.tensor, pk.tensor, bias: pb.tensor, strides: strides, padding: padding,
                    epilogue: Epilogue(relu: relu, maxPooling: true), allowWinograd: winograd)
                : maxPool2d(
                    conv2d(
                        px.tensor, pk.tensor, bias: pb.tensor, strides: strides, padding: padding,
                        epilogue: Epilogue(relu: relu), allowWinograd: winograd), poolSize: (2, 2))
            (y * random(y.shape, seed: 4)).sum().backward()
            outputs.append(y)
            gradients.append([px.grad!, pk.grad!, pb.grad!])
        }
        expectClose(outputs[0], outputs[1], tolerance: 0, sourceLocation: sourceLocation)
        for (f, s) in zip(gradients[0], gradients[1]) {
            expectClose(f, s, tolerance: 1e-5, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [(Padding.valid, true), (.valid, false), (.same, true)])
    func im2colPathMatchesSeparateOps(padding: Padding, relu: Bool) {
        // 7x6 valid output 5x4: an odd row that no pooling window covers.
        expectMatchesSeparateOps([3, 7, 6, 3], kernel: 3, cout: 5, padding: padding, relu: relu, winograd: false)
    }

    @Test(arguments: [(Padding.valid, true), (.valid, false), (.same, true)])
    func winogradPathMatchesSeparateOps(padding: Padding, relu: Bool) {
        expectMatchesSeparateOps([3, 9, 8, 16], kernel: 3, cout: 16, padding: padding, relu: relu, winograd: true)
    }

    @Test func stridedAndTinyOutputs() {
        // A strided convolution (im2col path) and an output of exactly one pooling window.
        expectMatchesSeparateOps(
            [2, 11, 9, 4], kernel: 3, cout: 8, padding: .same, relu: true, winograd: false, strides: (2, 1))
        expectMatchesSeparateOps([1, 4, 4, 3], kernel: 3, cout: 4, padding: .valid, relu: true, winograd: false)
        expectMatchesSeparateOps([1, 4, 5, 16], kernel: 3, cout: 16, padding: .valid, relu: false, winograd: true)
    }

    @Test func severalBlocksAcrossThreads() {
        expectMatchesSeparateOps([9, 20, 20, 32], kernel: 3, cout: 64, padding: .valid, relu: true, winograd: true)
        expectMatchesSeparateOps([9, 20, 20, 3], kernel: 3, cout: 32, padding: .valid, relu: true, winograd: false)
    }

    @Test func sequentialFusesOnlyWhatItCan() throws {
        // Fused pairs (ReLU and linear convolutions) and an unfusable one (3x3 pooling) give
        // the same outputs and gradients as calling the layers one by one.
        let model = Sequential(seed: 3) {
            Conv2D(filters: 16, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Conv2D(filters: 16, kernelSize: 3)
            MaxPooling2D(poolSize: 2)
            Conv2D(filters: 8, kernelSize: 1, activation: .tanh)
            MaxPooling2D(poolSize: 2)
            Flatten()
            Dense(units: 3)
        }
        let x = random([4, 22, 22, 3], seed: 8)
        let fused = model(x)
        (fused * random(fused.shape, seed: 9)).sum().backward()
        let fusedGradients = model.parameters.map { $0.grad! }
        for parameter in model.parameters { parameter.zeroGrad() }
        let separate = model.layers.reduce(x) { $1($0) }
        (separate * random(separate.shape, seed: 9)).sum().backward()
        expectClose(fused, separate, tolerance: 0)
        for (f, p) in zip(fusedGradients, model.parameters) { expectClose(f, p.grad!, tolerance: 1e-6) }
        let conv = model.layers[0] as! Conv2D
        #expect(conv.fused(with: model.layers[1] as! MaxPooling2D) != nil)
        #expect(conv.fused(with: MaxPooling2D(poolSize: 3)) == nil)
        #expect((model.layers[4] as! Conv2D).fused(with: MaxPooling2D(poolSize: 2)) == nil)  // tanh
        #expect(conv.fused(with: Activation(.relu)) == nil)  // ReLU twice
    }

    @Test(arguments: [false, true])
    func inferenceSkipsTheFullOutput(winograd: Bool) {
        // Without gradients the convolution output lives only in per-thread block buffers.
        let shape = winograd ? [9, 20, 20, 32] : [9, 20, 20, 3]
        let x = random(shape, seed: 1), k = random([3, 3, shape[3], 64], seed: 2), b = random([64], seed: 3)
        let fused = withoutGradients {
            conv2d(
                x, k, bias: b, strides: (1, 1), padding: .same, epilogue: Epilogue(relu: true, maxPooling: true),
                allowWinograd: winograd)
        }
        let separate = maxPool2d(
            conv2d(
                x, k, bias: b, strides: (1, 1), padding: .same, epilogue: Epilogue(relu: true), allowWinograd: winograd),
            poolSize: (2, 2))
        expectClose(fused, separate, tolerance: 0)
    }

    @Test(arguments: [false, true])
    func tiesGoToTheFirstPositionAsInMaxPool(winograd: Bool) {
        // A zero kernel makes every output equal to the bias: every window is a four-way tie,
        // and the kernel gradient depends on which position takes each pooled gradient.
        let x = random([2, 8, 8, 16], seed: 1), k = Tensor(zeros: [3, 3, 16, 16]), b = random([16], seed: 3)
        var kernelGradients: [Tensor] = []
        for fused in [true, false] {
            let pk = Parameter(k), pb = Parameter(b)
            let y =
                fused
                ? conv2d(
                    x, pk.tensor, bias: pb.tensor, strides: (1, 1), padding: .same,
                    epilogue: Epilogue(maxPooling: true), allowWinograd: winograd)
                : maxPool2d(
                    conv2d(
                        x, pk.tensor, bias: pb.tensor, strides: (1, 1), padding: .same,
                        epilogue: .none, allowWinograd: winograd), poolSize: (2, 2))
            (y * random(y.shape, seed: 4)).sum().backward()
            kernelGradients.append(pk.grad!)
        }
        expectClose(kernelGradients[0], kernelGradients[1], tolerance: 1e-6)
    }
}
