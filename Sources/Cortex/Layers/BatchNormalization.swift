/// Normalizes each channel (the last axis) to zero mean and unit variance, then scales by
/// `gamma` and shifts by `beta`.
///
/// In training mode it uses the batch's statistics and updates the moving ones:
/// `moving = momentum * moving + (1 - momentum) * batch` (Keras's momentum 0.99, epsilon 1e-3).
/// In inference mode it uses `movingMean` and `movingVariance`. Works on Dense outputs
/// `[batch, features]` and Conv2D outputs `[batch, height, width, channels]` alike.
/// Parameters (`[channels]` each): `gamma` (ones), `beta` (zeros), and the non-trainable
/// `movingMean` (zeros) and `movingVariance` (ones).
public final class BatchNormalization: Layer {
    /// The weight of the old value in the moving averages.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float
    /// The scale, `[channels]` (ones).
    public let gamma = Parameter(declared: "gamma")
    /// The shift, `[channels]` (zeros).
    public let beta = Parameter(declared: "beta")
    /// The moving mean used in inference, `[channels]` (zeros, not trainable).
    public let movingMean = Parameter(declared: "moving_mean", isTrainable: false)
    /// The moving variance used in inference, `[channels]` (ones, not trainable).
    public let movingVariance = Parameter(declared: "moving_variance", isTrainable: false)

    /// Creates a batch normalization layer.
    ///
    /// - Parameters:
    ///   - momentum: the weight of the old value in the moving averages (Keras's 0.99).
    ///   - epsilon: added to the variance (Keras's 1e-3).
    ///   - name: the layer's name (default `batch_normalization`, ... within its model).
    public init(momentum: Float = 0.99, epsilon: Float = 1e-3, name: String? = nil) {
        check(
            momentum >= 0 && momentum <= 1 && epsilon > 0,
            "BatchNormalization: momentum must be in [0, 1] and epsilon positive, got \(momentum) and \(epsilon)")
        self.momentum = momentum
        self.epsilon = epsilon
        super.init(name: name)
    }

    public override class var baseName: String { "batch_normalization" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard let channels = inputShape.last, channels > 0 else {
            throw shapeError(expected: "[*, ..., channels]", got: inputShape)
        }
        if gamma.isBuilt, gamma.shape[0] != channels {
            throw shapeError(expected: "[*, ..., \(gamma.shape[0])]", got: inputShape)
        }
        return inputShape
    }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        let channels = inputShape.last!
        gamma.build(Tensor(ones: [channels]))
        beta.build(Tensor(zeros: [channels]))
        movingMean.build(Tensor(zeros: [channels]))
        movingVariance.build(Tensor(ones: [channels]))
    }

    public override func forward(_ input: Tensor) -> Tensor {
        if isTraining {
            let (output, mean, variance) = batchNormalization(
                input, gamma: gamma.tensor, beta: beta.tensor, epsilon: epsilon)
            let m = momentum
            movingMean.value = Tensor(zip(movingMean.value.scalars, mean).map { m * $0 + (1 - m) * $1 })
            movingVariance.value = Tensor(zip(movingVariance.value.scalars, variance).map { m * $0 + (1 - m) * $1 })
            return output
        }
        let scale = gamma.tensor / sqrt(movingVariance.value + epsilon)
        return (input - movingMean.value) * scale + beta.tensor
    }
}
