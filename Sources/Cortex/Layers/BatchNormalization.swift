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
    public let momentum: Float
    public let epsilon: Float
    public private(set) var gamma: Parameter!
    public private(set) var beta: Parameter!
    public private(set) var movingMean: Parameter!
    public private(set) var movingVariance: Parameter!

    public init(momentum: Float = 0.99, epsilon: Float = 1e-3, name: String? = nil) {
        precondition(
            momentum >= 0 && momentum <= 1 && epsilon > 0, "BatchNormalization: momentum in [0, 1], epsilon > 0")
        self.momentum = momentum
        self.epsilon = epsilon
        super.init(name: name)
    }

    public override class var baseName: String { "batch_normalization" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard let channels = inputShape.last, channels > 0 else {
            throw shapeError(expected: "[*, ..., channels]", got: inputShape)
        }
        if let gamma, gamma.shape[0] != channels {
            throw shapeError(expected: "[*, ..., \(gamma.shape[0])]", got: inputShape)
        }
        return inputShape
    }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        let channels = inputShape.last!
        gamma = Parameter(Tensor(ones: [channels]), name: "gamma")
        beta = Parameter(Tensor(zeros: [channels]), name: "beta")
        movingMean = Parameter(Tensor(zeros: [channels]), name: "moving_mean", isTrainable: false)
        movingVariance = Parameter(Tensor(ones: [channels]), name: "moving_variance", isTrainable: false)
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
