/// How a convolution or pooling window treats the border.
public enum Padding: String, Sendable, Codable {
    /// No padding: windows lie entirely inside the input.
    case valid
    /// Zero-padding so that the output has `ceil(input / stride)` positions; when the total
    /// padding is odd, the extra row or column goes at the bottom or right, as in Keras.
    case same
}

/// The sizes of a 2-D windowed operation on NHWC input, computed in exactly one place.
struct ConvGeometry: Equatable {
    let batch, height, width, channels: Int
    let kernelHeight, kernelWidth: Int
    let strideY, strideX: Int
    let outHeight, outWidth: Int
    let padTop, padLeft: Int

    /// The length of one im2col row: `kh * kw * channels`.
    var patchSize: Int { kernelHeight * kernelWidth * channels }
    /// The number of output positions over the batch (im2col rows).
    var positions: Int { batch * outHeight * outWidth }
    /// The number of output elements of a pooling (which keeps the channels).
    var outputCount: Int { positions * channels }

    init(inputShape: [Int], window: (Int, Int), strides: (Int, Int), padding: Padding, op: StaticString) {
        check(inputShape.count == 4, "\(op): expects NHWC input of rank 4, got \(inputShape)")
        check(
            window.0 > 0 && window.1 > 0 && strides.0 > 0 && strides.1 > 0,
            "\(op): window \(window) and strides \(strides) must be positive")
        batch = inputShape[0]
        height = inputShape[1]
        width = inputShape[2]
        channels = inputShape[3]
        (kernelHeight, kernelWidth) = window
        (strideY, strideX) = strides
        let (oh, top) = ConvGeometry.outputSize(height, window: window.0, stride: strides.0, padding: padding)
        let (ow, left) = ConvGeometry.outputSize(width, window: window.1, stride: strides.1, padding: padding)
        check(
            oh > 0 && ow > 0,
            "\(op): a \(window.0)x\(window.1) window does not fit input \(inputShape) with \(padding) padding")
        (outHeight, padTop, outWidth, padLeft) = (oh, top, ow, left)
    }

    /// Output length along one axis and the padding before it (Keras's rules).
    static func outputSize(_ size: Int, window: Int, stride: Int, padding: Padding) -> (Int, Int) {
        switch padding {
        case .valid:
            return (size >= window ? (size - window) / stride + 1 : 0, 0)
        case .same:
            let out = (size + stride - 1) / stride
            let total = max((out - 1) * stride + window - size, 0)
            return (out, total / 2)
        }
    }
}
