@testable import Cortex

/// `Tensor/Convolution.swift`: `conv2d` on NHWC images (valid and same padding, strides, 1x1
/// and non-square kernels, single-channel images whose window rows are short, the Winograd
/// path), and the internal `conv2d(..., epilogue:)` with fused ReLU and 2x2 max pooling.
extension OpTable {
    static let convolution: [OpInfo] = [
        OpInfo(
            "conv2d(_:_:bias:strides:padding:)",
            [
                ConvolutionCase([2, 5, 4, 2], kernel: [3, 3, 2, 3]),
                ConvolutionCase([2, 5, 4, 2], kernel: [3, 3, 2, 3], strides: (2, 2), padding: .same),
                ConvolutionCase([2, 5, 4, 2], kernel: [3, 3, 2, 3], strides: (1, 2), padding: .same),
                ConvolutionCase([2, 6, 5, 2], kernel: [2, 3, 2, 3], strides: (2, 1), bias: false),
                ConvolutionCase([2, 6, 5, 2], kernel: [2, 2, 2, 5], padding: .same),
                ConvolutionCase([2, 3, 3, 4], kernel: [1, 1, 4, 2], bias: false),  // pointwise
                ConvolutionCase([1, 5, 5, 3], kernel: [1, 1, 3, 2], strides: (2, 2), padding: .same),
                ConvolutionCase([3, 9, 7, 1], kernel: [3, 3, 1, 5]),  // window rows of 3 floats
                ConvolutionCase([3, 9, 7, 1], kernel: [3, 3, 1, 5], strides: (2, 1), padding: .same),
                ConvolutionCase([1, 9, 7, 1], kernel: [4, 4, 1, 5], bias: false),
                ConvolutionCase([1, 3, 3, 2], kernel: [3, 3, 2, 2]),  // one output position
                ConvolutionCase([1, 4, 5, 16], kernel: [3, 3, 16, 16], padding: .same),  // Winograd
                ConvolutionCase([2, 5, 4, 16], kernel: [3, 3, 16, 24], bias: false),  // Winograd
            ].map(\.sample)),
        OpInfo(
            "conv2d(_:_:bias:strides:padding:epilogue:allowWinograd:)",
            [
                ConvolutionCase([2, 5, 4, 2], kernel: [3, 3, 2, 3], strides: (2, 1), padding: .same, relu: true),
                ConvolutionCase([2, 5, 4, 2], kernel: [3, 3, 2, 3], bias: false, relu: true),
                ConvolutionCase([1, 6, 7, 2], kernel: [3, 3, 2, 3], padding: .same, relu: true, pooling: true),
                ConvolutionCase([1, 7, 6, 3], kernel: [3, 3, 3, 4], pooling: true),  // an odd row no window covers
                ConvolutionCase([1, 4, 5, 16], kernel: [3, 3, 16, 16], padding: .same, relu: true),  // Winograd
                ConvolutionCase([1, 4, 4, 16], kernel: [3, 3, 16, 16], padding: .same, relu: true, pooling: true),
                ConvolutionCase([1, 6, 5, 16], kernel: [3, 3, 16, 16], pooling: true),  // Winograd, odd column
                ConvolutionCase(
                    [1, 4, 4, 16], kernel: [3, 3, 16, 16], padding: .same, relu: true, pooling: true,
                    allowWinograd: false),
            ].map(\.sample)),
    ]

    /// One convolution sample: shapes, arguments, and the epilogue of the internal op.
    struct ConvolutionCase {
        var input: [Int], kernel: [Int], strides: (Int, Int), padding: Padding, bias: Bool
        var relu: Bool, pooling: Bool, allowWinograd: Bool

        init(
            _ input: [Int], kernel: [Int], strides: (Int, Int) = (1, 1), padding: Padding = .valid, bias: Bool = true,
            relu: Bool = false, pooling: Bool = false, allowWinograd: Bool = true
        ) {
            (self.input, self.kernel, self.strides, self.padding, self.bias) = (input, kernel, strides, padding, bias)
            (self.relu, self.pooling, self.allowWinograd) = (relu, pooling, allowWinograd)
        }

        var hasEpilogue: Bool { relu || pooling || !allowWinograd }

        /// Whether the configuration takes the Winograd path.
        var isWinograd: Bool {
            allowWinograd
                && WinogradConvolution.applies(
                    ConvGeometry(
                        inputShape: input, window: (kernel[0], kernel[1]), strides: strides, padding: padding,
                        op: "OpTable"),
                    outChannels: kernel[3])
        }

        var label: String {
            let parts = [
                "\(input) * \(kernel)", "strides \(strides)", "\(padding)", bias ? "bias" : "no bias",
                relu ? "ReLU" : nil, pooling ? "2x2 max pool" : nil, isWinograd ? "Winograd" : "im2col",
            ]
            return parts.compactMap { $0 }.joined(separator: " ")
        }

        var outputShape: [Int] {
            let convolved = ShapeRule.convolved(input, kernel: kernel, strides: strides, same: padding == .same)
            guard pooling else { return convolved }
            return ShapeRule.pooled(convolved, window: (2, 2), strides: (2, 2), same: false)
        }

        var sample: OpSample {
            let (strides, padding, bias, relu, pooling, allowWinograd) = (
                self.strides, self.padding, self.bias, self.relu, self.pooling, self.allowWinograd
            )
            func make(_ seed: UInt64) -> [Tensor] {
                [uniform(input, seed: 10 * seed + 1), uniform(kernel, seed: 10 * seed + 2)]
                    + (bias ? [uniform([kernel[3]], seed: 10 * seed + 3)] : [])
            }
            guard hasEpilogue else {
                return OpSample(label, make(0), shape: outputShape) {
                    conv2d($0[0], $0[1], bias: bias ? $0[2] : nil, strides: strides, padding: padding)
                }
            }
            // ReLU and pooling have kinks: keep every pre-activation 0.02 from zero and every
            // pooling window's two largest values 0.02 apart. A step of 2⁻⁹ in one element moves
            // a pre-activation by at most 2 * 2⁻⁹ * max(|x|, |w|, 1) < 0.004; the directional
            // derivatives move every element at once, by 2⁻¹⁶ (at most 2 * 2⁻¹⁶ * 144 < 0.0045).
            let inputs = firstAccepted(make) { inputs in
                let z = conv2d(inputs[0], inputs[1], bias: bias ? inputs[2] : nil, strides: strides, padding: padding)
                return ConvolutionCase.awayFromKinks(z, relu: relu, pooling: pooling, margin: 0.02)
            }
            return OpSample(
                label, inputs, shape: outputShape, settings: .init(step: 1.0 / 512, directionalStep: 1.0 / 65536)
            ) {
                conv2d(
                    $0[0], $0[1], bias: bias ? $0[2] : nil, strides: strides, padding: padding,
                    epilogue: Epilogue(relu: relu, maxPooling: pooling), allowWinograd: allowWinograd)
            }
        }

        /// Whether ReLU's kink and ties in the 2x2 pooling windows are at least `margin` away.
        static func awayFromKinks(_ z: Tensor, relu: Bool, pooling: Bool, margin: Float) -> Bool {
            let v = z.scalars
            if relu && !v.allSatisfy({ Swift.abs($0) > margin }) { return false }
            guard pooling else { return true }
            let (n, h, w, c) = (z.shape[0], z.shape[1], z.shape[2], z.shape[3])
            for b in 0..<n {
                for y in 0..<(h / 2) {
                    for x in 0..<(w / 2) {
                        for ch in 0..<c {
                            var window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { dy, dx in
                                v[((b * h + 2 * y + dy) * w + 2 * x + dx) * c + ch]
                            }
                            if relu { window = window.map { Swift.max($0, 0) } }
                            window.sort(by: >)
                            if window[0] > 0 || !relu, window[0] - window[1] <= margin { return false }
                        }
                    }
                }
            }
            return true
        }
    }
}
