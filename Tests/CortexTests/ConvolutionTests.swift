import Testing

@testable import Cortex

/// Direct convolution with Keras's padding rules, written independently of the im2col kernels.
func naiveConv2d(
    _ x: Tensor, _ k: Tensor, bias: Tensor? = nil, strides: (Int, Int), same: Bool
) -> Tensor {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, cout) = (k.shape[0], k.shape[1], k.shape[3])
    func geometry(_ size: Int, _ window: Int, _ stride: Int) -> (out: Int, pad: Int) {
        if !same { return ((size - window) / stride + 1, 0) }
        let out = Int((Double(size) / Double(stride)).rounded(.up))
        return (out, max(0, (out - 1) * stride + window - size) / 2)
    }
    let (oh, pt) = geometry(h, kh, strides.0), (ow, pl) = geometry(w, kw, strides.1)
    let xs = x.scalars, ks = k.scalars
    var y = [Float](repeating: 0, count: n * oh * ow * cout)
    for b in 0..<n {
        for oy in 0..<oh {
            for ox in 0..<ow {
                for co in 0..<cout {
                    var s = bias?.scalars[co] ?? 0
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let iy = oy * strides.0 + ky - pt, ix = ox * strides.1 + kx - pl
                            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                            for ci in 0..<c {
                                s += xs[((b * h + iy) * w + ix) * c + ci] * ks[((ky * kw + kx) * c + ci) * cout + co]
                            }
                        }
                    }
                    y[((b * oh + oy) * ow + ox) * cout + co] = s
                }
            }
        }
    }
    return Tensor(y, shape: [n, oh, ow, cout])
}

func naivePool(_ x: Tensor, pool: (Int, Int), strides: (Int, Int), same: Bool, max: Bool) -> Tensor {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    func geometry(_ size: Int, _ window: Int, _ stride: Int) -> (out: Int, pad: Int) {
        if !same { return ((size - window) / stride + 1, 0) }
        let out = (size + stride - 1) / stride
        return (out, Swift.max(0, (out - 1) * stride + window - size) / 2)
    }
    let (oh, pt) = geometry(h, pool.0, strides.0), (ow, pl) = geometry(w, pool.1, strides.1)
    var y: [Float] = []
    for b in 0..<n {
        for oy in 0..<oh {
            for ox in 0..<ow {
                for ch in 0..<c {
                    var values: [Float] = []
                    for ky in 0..<pool.0 {
                        for kx in 0..<pool.1 {
                            let iy = oy * strides.0 + ky - pt, ix = ox * strides.1 + kx - pl
                            if iy >= 0, iy < h, ix >= 0, ix < w {
                                values.append(x.scalars[((b * h + iy) * w + ix) * c + ch])
                            }
                        }
                    }
                    y.append(max ? values.max()! : values.reduce(0, +) / Float(values.count))
                }
            }
        }
    }
    return Tensor(y, shape: [n, oh, ow, c])
}

@Suite struct ConvolutionTests {
    @Test func shapesFollowKerasRules() {
        var rng = RandomGenerator(seed: 42)
        let img = Tensor.randomNormal([2, 9, 7, 3], using: &rng), k = Tensor.randomNormal([3, 3, 3, 4], using: &rng)
        #expect(conv2d(img, k, strides: (2, 2), padding: .same).shape == [2, 5, 4, 4])
        #expect(conv2d(img, k).shape == [2, 7, 5, 4])
        #expect(maxPool2d(img, poolSize: (2, 2), strides: (2, 2)).shape == [2, 4, 3, 3])
        #expect(avgPool2d(img, poolSize: (2, 2), padding: .same).shape == [2, 5, 4, 3])
    }

    @Test(arguments: [
        ((1, 1), false, 3), ((2, 2), true, 3), ((2, 1), true, 2), ((1, 2), false, 2), ((1, 1), true, 1),
    ])
    func conv2dMatchesDirectConvolution(strides: (Int, Int), same: Bool, kernelSize: Int) {
        let x = random([2, 7, 6, 3], seed: 1), k = random([kernelSize, kernelSize, 3, 4], seed: 2)
        let b = random([4], seed: 3)
        let y = conv2d(x, k, bias: b, strides: strides, padding: same ? .same : .valid)
        expectClose(y, naiveConv2d(x, k, bias: b, strides: strides, same: same), tolerance: 1e-4)
    }

    @Test(arguments: [((1, 1), false), ((2, 2), true), ((1, 2), true)])
    func conv2dGradientsMatchDirectConvolution(strides: (Int, Int), same: Bool) {
        // Both gradients against the naive convolution's finite differences (the op's own: OpTable).
        let x = random([2, 5, 4, 2], seed: 4), k = random([3, 3, 2, 3], seed: 5)
        let padding: Padding = same ? .same : .valid
        // Analytic gradients of the im2col version equal those computed through the naive one.
        let px = Parameter(x), pk = Parameter(k)
        let projection = random(conv2d(x, k, strides: strides, padding: padding).shape, seed: 9)
        (conv2d(px.tensor, pk.tensor, strides: strides, padding: padding) * projection).sum().backward()
        var numericK = [Float](repeating: 0, count: k.count)
        let eps: Float = 1e-2
        for i in 0..<k.count {
            var plus = k.scalars, minus = k.scalars
            plus[i] += eps
            minus[i] -= eps
            let up = (naiveConv2d(x, Tensor(plus, shape: k.shape), strides: strides, same: same) * projection).sum()
                .scalar
            let down = (naiveConv2d(x, Tensor(minus, shape: k.shape), strides: strides, same: same) * projection).sum()
                .scalar
            numericK[i] = (up - down) / (2 * eps)
        }
        expectClose(pk.grad!.scalars, numericK, tolerance: 1e-2)
        var numericX = [Float](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x.scalars, minus = x.scalars
            plus[i] += eps
            minus[i] -= eps
            let up = (naiveConv2d(Tensor(plus, shape: x.shape), k, strides: strides, same: same) * projection).sum()
                .scalar
            let down = (naiveConv2d(Tensor(minus, shape: x.shape), k, strides: strides, same: same) * projection).sum()
                .scalar
            numericX[i] = (up - down) / (2 * eps)
        }
        expectClose(px.grad!.scalars, numericX, tolerance: 1e-2)
    }

    @Test func fusedReLUEqualsSeparateReLU() {
        let x = random([2, 5, 4, 2], seed: 4), k = random([3, 3, 2, 3], seed: 5), b = random([3], seed: 6)
        expectClose(
            conv2d(x, k, bias: b, strides: (1, 1), padding: .same, epilogue: Epilogue(relu: true)),
            relu(conv2d(x, k, bias: b, padding: .same)))
    }

    @Test(arguments: [((2, 2), (2, 2), false), ((3, 3), (2, 2), true), ((3, 2), (1, 2), false), ((2, 2), (2, 2), true)])
    func poolingMatchesDirectComputation(pool: (Int, Int), strides: (Int, Int), same: Bool) {
        let x = random([2, 7, 5, 3], seed: 3)
        let padding: Padding = same ? .same : .valid
        expectClose(
            maxPool2d(x, poolSize: pool, strides: strides, padding: padding),
            naivePool(x, pool: pool, strides: strides, same: same, max: true))
        expectClose(
            avgPool2d(x, poolSize: pool, strides: strides, padding: padding),
            naivePool(x, pool: pool, strides: strides, same: same, max: false))
    }

    @Test func maxPoolBackwardWritesEveryInputGradient() {
        // The 2x2 fast path leaves no element of dx unwritten, even with an odd last row and
        // column that no window covers: start dx as NaN and compare with the reference.
        let x = random([2, 7, 5, 8], seed: 5)
        let g = ConvGeometry(inputShape: x.shape, window: (2, 2), strides: (2, 2), padding: .valid, op: "test")
        #expect(PoolingKernel.maxBackwardCoversInput(g))
        let y = maxPool2d(x, poolSize: (2, 2))
        let dy = random(y.shape, seed: 6)
        var dx = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                dy.withUnsafeBufferPointer { dp in
                    dx.withUnsafeMutableBufferPointer {
                        PoolingKernel.maxBackward(xp.baseAddress!, yp.baseAddress!, dp.baseAddress!, $0.baseAddress!, g)
                    }
                }
            }
        }
        let px = Parameter(x)
        (maxPool2d(px.tensor, poolSize: (2, 2)) * dy).sum().backward()
        #expect(dx.allSatisfy { !$0.isNaN })
        expectClose(dx, px.grad!.scalars)
        // Positions outside every window (row 6, column 4) get zero.
        for b in 0..<2 {
            for c in 0..<8 {
                #expect(dx[((b * 7 + 6) * 5 + 2) * 8 + c] == 0)
                #expect(dx[((b * 7 + 3) * 5 + 4) * 8 + c] == 0)
            }
        }
    }

    @Test(arguments: [(1, 3, (1, 1), false), (1, 3, (2, 1), true), (2, 2, (1, 1), true), (1, 4, (1, 1), false)])
    func shortWindowRowsMatchDirectConvolution(channels: Int, kernelSize: Int, strides: (Int, Int), same: Bool) {
        // Window rows of at most 4 floats (grayscale images) take im2col's vector copy; the
        // last rows of the last image must not read past the input.
        let x = random([3, 9, 7, channels], seed: 7), k = random([kernelSize, kernelSize, channels, 5], seed: 8)
        let padding: Padding = same ? .same : .valid
        expectClose(
            conv2d(x, k, strides: strides, padding: padding), naiveConv2d(x, k, strides: strides, same: same),
            tolerance: 1e-4)
    }
}
