/// The window, strides and padding shared by the 2-D pooling layers. `strides` default to the
/// pool size, as in Keras. Input `[batch, height, width, channels]`; output
/// `[batch, outHeight, outWidth, channels]`.
open class Pooling2D: Layer {
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding

    public init(
        poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil
    ) {
        precondition(poolSize.0 > 0 && poolSize.1 > 0, "pooling: pool size must be positive, got \(poolSize)")
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        super.init(name: name)
    }

    /// A square window.
    public convenience init(poolSize: Int, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding, name: name)
    }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw shapeError(expected: "[*, height, width, channels]", got: inputShape)
        }
        let (h, _) = ConvGeometry.outputSize(inputShape[0], window: poolSize.0, stride: strides.0, padding: padding)
        let (w, _) = ConvGeometry.outputSize(inputShape[1], window: poolSize.1, stride: strides.1, padding: padding)
        guard h > 0 && w > 0 else {
            throw CortexError(
                .shapeMismatch,
                "\(name): a \(poolSize.0)x\(poolSize.1) pool does not fit input \(batchShapeDescription(inputShape))")
        }
        return [h, w, inputShape[2]]
    }
}

/// Max pooling over NHWC images.
public final class MaxPooling2D: Pooling2D {
    public override class var baseName: String { "max_pooling2d" }

    public override func forward(_ input: Tensor) -> Tensor {
        maxPool2d(input, poolSize: poolSize, strides: strides, padding: padding)
    }
}

/// Average pooling over NHWC images; with `.same` padding each window averages only the
/// positions inside the image.
public final class AveragePooling2D: Pooling2D {
    public override class var baseName: String { "average_pooling2d" }

    public override func forward(_ input: Tensor) -> Tensor {
        avgPool2d(input, poolSize: poolSize, strides: strides, padding: padding)
    }
}
