/// The window, strides and padding shared by the 2-D pooling layers. `strides` default to the
/// pool size, as in Keras. Input `[batch, height, width, channels]`; output
/// `[batch, outHeight, outWidth, channels]`.
open class Pooling2D: Layer {
    /// The window's height and width.
    public let poolSize: (Int, Int)
    /// The steps between windows along height and width.
    public let strides: (Int, Int)
    /// How the border is treated.
    public let padding: Padding

    /// Creates a pooling layer.
    ///
    /// - Parameters:
    ///   - poolSize: window size, one integer for a square window or a pair (default 2).
    ///   - strides: steps between windows (default: the pool size).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - name: the layer's name.
    public init(poolSize: IntPair = 2, strides: IntPair? = nil, padding: Padding = .valid, name: String? = nil) {
        check(poolSize.isPositive, "pooling: pool size must be positive, got \(poolSize)")
        check(strides?.isPositive ?? true, "pooling: strides must be positive, got \(strides!)")
        self.poolSize = poolSize.tuple
        self.strides = (strides ?? poolSize).tuple
        self.padding = padding
        super.init(name: name)
    }

    /// Creates a pooling layer with the window as a `(height, width)` tuple.
    public convenience init(
        poolSize: (Int, Int), strides: IntPair? = nil, padding: Padding = .valid, name: String? = nil
    ) {
        self.init(poolSize: IntPair(poolSize), strides: strides, padding: padding, name: name)
    }

    /// Creates a pooling layer with the strides as a `(height, width)` tuple.
    public convenience init(
        poolSize: IntPair = 2, strides: (Int, Int), padding: Padding = .valid, name: String? = nil
    ) {
        self.init(poolSize: poolSize, strides: IntPair(strides), padding: padding, name: name)
    }

    /// Creates a pooling layer with window and strides as `(height, width)` tuples.
    public convenience init(
        poolSize: (Int, Int), strides: (Int, Int), padding: Padding = .valid, name: String? = nil
    ) {
        self.init(poolSize: IntPair(poolSize), strides: IntPair(strides), padding: padding, name: name)
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

/// Max pooling over NHWC images. A 2x2, stride-2, unpadded one runs inside the op of a
/// convolution before it (see ``Conv2D``).
public final class MaxPooling2D: Pooling2D {
    public override class var baseName: String { "max_pooling2d" }

    public override func forward(_ input: Tensor) -> Tensor {
        maxPool2d(input, poolSize: poolSize, strides: strides, padding: padding)
    }

    override var epilogueStep: Epilogue.Step? {
        poolSize == (2, 2) && strides == (2, 2) && padding == .valid ? .maxPooling2x2 : nil
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
