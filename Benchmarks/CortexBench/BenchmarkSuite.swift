import COpenBLAS
import Cortex
import Foundation

/// The benchmark cases.
struct BenchmarkSuite {
    let options: Options
    var repetitions: Int { 5 }
    var minimumSeconds: Double { options.quick ? 0.05 : 0.5 }

    func report(_ m: Measurement) {
        print(options.json ? m.json : m.row)
        fflush(nil)
    }

    func wanted(_ name: String) -> Bool { options.only.map { name.contains($0) } ?? true }

    func run(
        _ name: String, framework: String = "cortex", batch: Int? = nil, items: Double, flops: Double? = nil,
        warmup: Int = 1, _ body: () -> Void
    ) {
        guard wanted(name) else { return }
        let times = measure(repetitions: repetitions, minimumSeconds: minimumSeconds, warmup: warmup, body)
        report(
            Measurement(
                framework: framework, name: name, threads: options.threads, batch: batch, times: times, items: items,
                flops: flops))
    }

    func runAll() {
        tinyOp()
        gemm()
        convolutions()
        training()
        classical()
    }

    func classical() {
        var rng = RandomGenerator(seed: 6)
        let x = Tensor.randomNormal([100_000, 20], using: &rng)
        let w = Tensor.randomNormal([20, 1], using: &rng)
        let y = (matmul(x, w) + Tensor.randomNormal([100_000, 1], standardDeviation: 0.1, using: &rng)).reshaped([-1])
        run("lstsq_100000x20", items: 100_000) {
            var model = LinearRegression()
            try! model.fit(x, y)
        }
        let labels = y.elementsGreater(than: 0)
        let model = Sequential(seed: 7) { Dense(units: 1, activation: .sigmoid) }
        try! model.build(inputShape: [20])
        let optimizer = SGD(learningRate: 0.1)
        let loss = Loss.binaryCrossentropy()
        run("logreg_fullbatch_step", batch: 100_000, items: 100_000) {
            loss(model(x), labels).backward()
            optimizer.step(model.parameters)
        }
    }

    func tinyOp() {
        let a = Tensor([1], shape: [1, 1]), b = Tensor([2], shape: [1, 1])
        run("tiny_op_add_1x1", items: 1000) {
            var c = a
            for _ in 0..<1000 { c = c + b }
            precondition(c.count == 1)
        }
    }

    func gemm() {
        var rng = RandomGenerator(seed: 1)
        let sizes = [
            (64, 64, 64), (256, 256, 256), (1024, 1024, 1024), (2048, 2048, 2048), (32, 64, 2304), (64, 2304, 32),
        ]
        for (m, n, k) in sizes {
            let name = "sgemm_\(m)x\(n)x\(k)"
            guard wanted(name) else { continue }
            if options.quick && m == 2048 { continue }
            let a = Tensor.randomUniform([m, k], using: &rng), b = Tensor.randomUniform([k, n], using: &rng)
            let flops = 2.0 * Double(m * n * k)
            run(name, items: 1, flops: flops) { _ = matmul(a, b) }
            var c = [Float](repeating: 0, count: m * n)
            let x = a.scalars, y = b.scalars
            // OpenBLAS's own threading, at the same thread count, is the reference here.
            openblas_set_num_threads(Int32(options.threads))
            defer { openblas_set_num_threads(1) }
            run(name, framework: "cblas_direct", items: 1, flops: flops) {
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, x, Int32(k), y,
                    Int32(n), 0,
                    &c, Int32(n))
            }
            if m * n * k <= (options.quick ? 256 * 256 * 256 : 1024 * 1024 * 1024) {
                run(name, framework: "naive_swift", items: 1, flops: flops, warmup: 0) {
                    c = naiveMatmul(x, y, m: m, n: n, k: k)
                }
            }
        }
    }

    func convolutions() {
        var rng = RandomGenerator(seed: 2)
        for batch in [32, 128] {
            for (layer, height, cin, cout) in [("conv1", 32, 3, 32), ("conv2", 15, 32, 64)] {
                let x = Tensor.randomUniform([batch, height, height, cin], using: &rng)
                let k = Tensor.randomUniform([3, 3, cin, cout], in: -0.1...0.1, using: &rng)
                let bias = Tensor(zeros: [cout])
                let out = height - 2
                let flops = 2.0 * Double(batch * out * out * cout * 9 * cin)
                run("conv_\(layer)_fwd", batch: batch, items: Double(batch), flops: flops) {
                    _ = conv2d(x, k, bias: bias)
                }
                let kp = Parameter(k), bp = Parameter(bias)
                let xp = Parameter(x)
                // conv1 is a first layer: no input gradient, as in training.
                let needsInputGradient = layer == "conv2"
                run(
                    "conv_\(layer)_fwd_bwd", batch: batch, items: Double(batch),
                    flops: flops * (needsInputGradient ? 3 : 2)
                ) {
                    let y = conv2d(needsInputGradient ? xp.tensor : x, kp.tensor, bias: bp.tensor)
                    y.backward(seed: Tensor(ones: y.shape))
                    kp.zeroGrad()
                    bp.zeroGrad()
                    xp.zeroGrad()
                }
                if batch == 32 {
                    run(
                        "conv_\(layer)_fwd", framework: "naive_swift", batch: batch, items: Double(batch), flops: flops,
                        warmup: 0
                    ) {
                        _ = naiveConv2d(x.scalars, k.scalars, batch: batch, size: height, cin: cin, cout: cout)
                    }
                }
            }
        }
    }

    func training() {
        var rng = RandomGenerator(seed: 3)
        for (name, size, channels) in [("train_mnist", 28, 1), ("train_cifar", 32, 3)] {
            for batch in [32, 128] {
                let model = seedCNN(logits: true)
                let x = Tensor.randomUniform([batch, size, size, channels], using: &rng)
                let y = Tensor((0..<batch).map { Float($0 % 10) })
                trainingCase(name, model: model, x: x, y: y, batch: batch)
            }
        }
        for batch in [64, 256] {
            let model = Sequential(seed: 4) {
                Dense(units: 128, activation: .relu)
                Dense(units: 10)
            }
            let x = Tensor.randomUniform([batch, 784], using: &rng)
            let y = Tensor((0..<batch).map { Float($0 % 10) })
            trainingCase("train_mlp", model: model, x: x, y: y, batch: batch)
        }
        for length in [10, 100] {
            let rnn = Sequential(seed: 8) {
                Embedding(inputDim: 10, outputDim: 16)
                SimpleRNN(units: 32, returnSequences: true)
                SimpleRNN(units: 32)
                Dense(units: 2)
            }
            let (x, y) = DigitSums.make(count: 32, length: length, using: &rng)
            trainingCase("train_rnn_seq\(length)", model: rnn, x: x, y: y, batch: 32)
        }
        let model = seedCNN(logits: true)
        let x = Tensor.randomUniform([256, 32, 32, 3], using: &rng)
        _ = try! model.build(inputShape: [32, 32, 3])
        run("infer_cifar", batch: 256, items: 256) { _ = try! model.predict(x, batchSize: 256) }
    }

    func trainingCase(_ name: String, model: Module, x: Tensor, y: Tensor, batch: Int) {
        let optimizer = Adam(learningRate: 1e-3)
        let loss = Loss.sparseCategoricalCrossentropy(fromLogits: true)
        model.isTraining = true
        _ = try! model.build(inputShape: Array(x.shape.dropFirst()))
        let parameters = model.trainableParameters
        run(name, batch: batch, items: Double(batch)) {
            loss(model(x), y).backward()
            optimizer.step(parameters)
        }
    }

    func seedCNN(logits: Bool) -> Sequential {
        Sequential(seed: 5) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Conv2D(filters: 64, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Flatten()
            Dense(units: 64, activation: .relu)
            Dense(units: 10, activation: logits ? .linear : .softmax)
        }
    }
}

/// The textbook triple loop (i, p, j order so the inner loop is contiguous).
func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                for i in 0..<m {
                    for p in 0..<k {
                        let s = a[i * k + p]
                        for j in 0..<n { c[i * n + j] += s * b[p * n + j] }
                    }
                }
            }
        }
    }
    return c
}

/// A direct 3x3 valid convolution over NHWC input.
func naiveConv2d(_ x: [Float], _ k: [Float], batch: Int, size: Int, cin: Int, cout: Int) -> [Float] {
    let out = size - 2
    var y = [Float](repeating: 0, count: batch * out * out * cout)
    x.withUnsafeBufferPointer { x in
        k.withUnsafeBufferPointer { k in
            y.withUnsafeMutableBufferPointer { y in
                for b in 0..<batch {
                    for oy in 0..<out {
                        for ox in 0..<out {
                            let o = ((b * out + oy) * out + ox) * cout
                            for ky in 0..<3 {
                                for kx in 0..<3 {
                                    for ci in 0..<cin {
                                        let v = x[((b * size + oy + ky) * size + ox + kx) * cin + ci]
                                        let w = ((ky * 3 + kx) * cin + ci) * cout
                                        for co in 0..<cout { y[o + co] += v * k[w + co] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return y
}
