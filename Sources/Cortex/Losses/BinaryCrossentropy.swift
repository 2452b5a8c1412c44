/// Cross-entropy for 0/1 targets and one probability (or logit) per output, averaged per example.
///
/// On probabilities they are clipped to `[1e-7, 1 - 1e-7]` (Keras's epsilon); inside `fit` a
/// model whose last activation is sigmoid is evaluated from its logits in the stable form
/// `max(z, 0) - z t + log(1 + e^-|z|)`.
public struct BinaryCrossentropy: LogitsLossFunction {
    /// Whether predictions are logits rather than probabilities.
    public let fromLogits: Bool

    /// Creates the loss.
    public init(fromLogits: Bool = false) { self.fromLogits = fromLogits }

    public var name: String { "binary_crossentropy" }
    public var accuracy: AccuracyKind { .binary(threshold: fromLogits ? 0 : 0.5) }
    var outputActivation: ActivationFunction? { fromLogits ? nil : .sigmoid }

    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        if fromLogits { return perExample(logits: predictions, targets) }
        let t = targets.aligned(to: predictions)
        let p = clip(predictions, to: crossEntropyEpsilon...(1 - crossEntropyEpsilon))
        return perExampleMean(-(t * log(p) + (1 - t) * log(1 - p)))
    }

    func perExample(logits: Tensor, _ targets: Tensor) -> Tensor {
        perExampleMean(sigmoidCrossEntropy(logits: logits, targets: targets.aligned(to: logits)))
    }

    public func validate(targets: Tensor, outputShape: [Int], role: String) throws {
        try requireTargetsPerExample(targets, outputShape.reduce(1, *), outputShape: outputShape, role: role)
        if let v = targets.scalars.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw CortexError(.invalidData, "\(role)labels has \(v), expected values in 0...1 for \(name)")
        }
    }
}

/// Probabilities are clipped to `[epsilon, 1 - epsilon]` when no logits are at hand (Keras's 1e-7).
let crossEntropyEpsilon: Float = 1e-7
