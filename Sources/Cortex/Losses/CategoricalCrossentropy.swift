/// Cross-entropy for one-hot (or soft) targets `[batch, ..., classes]`, per example.
///
/// On probabilities they are normalized and clipped to `[1e-7, 1 - 1e-7]` (as Keras does);
/// inside `fit` a model whose last activation is softmax is evaluated from its logits with
/// log-softmax.
public struct CategoricalCrossentropy: LogitsLossFunction {
    /// Whether predictions are logits rather than probabilities.
    public let fromLogits: Bool

    /// Creates the loss.
    public init(fromLogits: Bool = false) { self.fromLogits = fromLogits }

    public var name: String { "categorical_crossentropy" }
    public var accuracy: AccuracyKind { .categorical }
    var outputActivation: ActivationFunction? { fromLogits ? nil : .softmax }

    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        if fromLogits { return perExample(logits: predictions, targets) }
        let p = clip(
            predictions / predictions.sum(alongAxes: [-1]), to: crossEntropyEpsilon...(1 - crossEntropyEpsilon))
        return perExampleMean(-(targets * log(p)).sum(squeezingAxes: [-1]))
    }

    func perExample(logits: Tensor, _ targets: Tensor) -> Tensor {
        perExampleMean(-(targets * logSoftmax(logits, axis: -1)).sum(squeezingAxes: [-1]))
    }
}
