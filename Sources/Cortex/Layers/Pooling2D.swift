/// Max pooling over NHWC images. `strides` default to the pool size.
///
/// Input `[batch, height, width, channels]`; output `[batch, outHeight, outWidth, channels]`.
public final class MaxPooling2D: Layer {
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding

    public init(
        poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil
    ) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        super.init(name: name)
    }

    public convenience init(poolSize: Int, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding, name: name)
    }

    public override class var baseName: String { "max_pooling2d" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        try poolingOutputShape(self, inputShape, poolSize, strides, padding)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        maxPool2d(input, poolSize: poolSize, strides: strides, padding: padding)
    }
}

/// Average pooling over NHWC images. `strides` default to the pool size; with `.same` padding
/// each window averages only the positions inside the image.
public final class AveragePooling2D: Layer {
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding

    public init(
        poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil
    ) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        super.init(name: name)
    }

    public convenience init(poolSize: Int, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding, name: name)
    }

    public override class var baseName: String { "average_pooling2d" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        try poolingOutputShape(self, inputShape, poolSize, strides, padding)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        avgPool2d(input, poolSize: poolSize, strides: strides, padding: padding)
    }
}

private func poolingOutputShape(
    _ layer: Layer, _ inputShape: [Int], _ pool: (Int, Int), _ strides: (Int, Int), _ padding: Padding
) throws -> [Int] {
    guard inputShape.count == 3 else {
        throw layer.shapeError(expected: "[*, height, width, channels]", got: inputShape)
    }
    let (h, _) = ConvGeometry.outputSize(inputShape[0], window: pool.0, stride: strides.0, padding: padding)
    let (w, _) = ConvGeometry.outputSize(inputShape[1], window: pool.1, stride: strides.1, padding: padding)
    guard h > 0 && w > 0 else {
        throw CortexError(
            .shapeMismatch,
            "\(layer.name): a \(pool.0)x\(pool.1) pool does not fit input \(batchShapeDescription(inputShape))")
    }
    return [h, w, inputShape[2]]
}
