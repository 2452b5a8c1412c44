/// Normalizes each example over its last axis to zero mean and unit variance, then scales by
/// `gamma` and shifts by `beta`: `gamma * (x - mean) / sqrt(variance + epsilon) + beta`.
///
/// Unlike ``BatchNormalization`` it uses each example's own statistics, in training and
/// inference alike, so it does not mix examples (Transformers use it between sublayers).
/// Input `[batch, ..., features]`; output the same shape. Parameters `[features]`: `gamma`
/// (ones) and `beta` (zeros), as Keras's `LayerNormalization(axis=-1, epsilon=1e-3)`.
public final class LayerNormalization: Layer {
    /// Added to the variance before the square root.
    public let epsilon: Float
    /// The scale, `[features]` (ones).
    public let gamma = Parameter(declared: "gamma")
    /// The shift, `[features]` (zeros).
    public let beta = Parameter(declared: "beta")

    /// Creates a layer normalization layer.
    ///
    /// - Parameters:
    ///   - epsilon: added to the variance (Keras's 1e-3).
    ///   - name: the layer's name (default `layer_normalization`, ... within its model).
    public init(epsilon: Float = 1e-3, name: String? = nil) {
        check(epsilon > 0, "LayerNormalization: epsilon must be positive, got \(epsilon)")
        self.epsilon = epsilon
        super.init(name: name)
    }

    public override class var baseName: String { "layer_normalization" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard let features = inputShape.last, features > 0 else {
            throw shapeError(expected: "[*, ..., features]", got: inputShape)
        }
        if gamma.isBuilt, gamma.shape[0] != features {
            throw shapeError(expected: "[*, ..., \(gamma.shape[0])]", got: inputShape)
        }
        return inputShape
    }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        gamma.build(Tensor(ones: [inputShape.last!]))
        beta.build(Tensor(zeros: [inputShape.last!]))
    }

    public override func forward(_ input: Tensor) -> Tensor {
        layerNormalization(input, gamma: gamma.tensor, beta: beta.tensor, epsilon: epsilon)
    }
}
