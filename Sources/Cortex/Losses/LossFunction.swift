/// A loss: per-example values from a batch of predictions and targets, written with
/// differentiable tensor ops so that `backward()` reaches the model.
///
/// Conform a type to write a custom loss and pass it to `compile` as `.custom(MyLoss())`:
///
/// ```swift
/// struct MeanFourthPower: LossFunction {
///     func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
///         (predictions - targets).squared().squared().mean(squeezingAxes: [1])   // [batch]
///     }
/// }
/// ```
///
/// Return one value per example (`[batch]`): ``Loss`` then applies its reduction and, in
/// `fit`, sample weights. A loss that returns a scalar is used as it is.
public protocol LossFunction: Sendable {
    /// The name under which the loss is logged (`"loss"` is always the total).
    var name: String { get }

    /// Per-example losses `[batch]` for predictions `[batch, ...]` and their targets.
    func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor

    /// Checks targets against the model's per-example output shape before any training, and
    /// throws a ``CortexError`` saying what was expected. `role` prefixes the message
    /// (`"validation "`). The default requires as many target values per example as outputs.
    func validate(targets: Tensor, outputShape: [Int], role: String) throws

    /// The accuracy that ``Metric/accuracy`` computes with this loss (Keras picks it from the
    /// loss the same way). The default compares values exactly.
    var accuracy: AccuracyKind { get }
}

/// How ``Metric/accuracy`` compares predictions with targets.
public enum AccuracyKind: Sendable, Equatable {
    /// Argmax of the predictions against class indices.
    case sparseCategorical
    /// Argmax of the predictions against argmax of one-hot targets.
    case categorical
    /// Predictions above `threshold` count as 1, against 0/1 targets.
    case binary(threshold: Float)
    /// Exact equality.
    case exact
}

extension LossFunction {
    public var name: String { "loss" }
    public var accuracy: AccuracyKind { .exact }

    public func validate(targets: Tensor, outputShape: [Int], role: String) throws {
        try requireTargetsPerExample(targets, outputShape.reduce(1, *), outputShape: outputShape, role: role)
    }

    /// Throws unless `targets` has `count` values per example.
    func requireTargetsPerExample(_ targets: Tensor, _ count: Int, outputShape: [Int], role: String) throws {
        let rows = Swift.max(targets.shape.first ?? 1, 1)
        guard targets.rank >= 1, targets.count == rows * count else {
            throw CortexError(
                .shapeMismatch,
                "\(role)labels \(targets.shape) do not fit model output \(batchShapeDescription(outputShape)) for \(name)"
            )
        }
    }
}

/// A loss with a numerically stable form on the input of the model's last activation
/// (softmax or sigmoid): `fit`, `evaluate` and `Module.loss` then run the model without that
/// activation and call ``perExample(logits:_:)``, so confident predictions never make the loss
/// or its gradient infinite.
protocol LogitsLossFunction: LossFunction {
    /// The last activation this loss can see through, or nil when it takes logits already.
    var outputActivation: ActivationFunction? { get }
    /// Per-example losses from the activation's input.
    func perExample(logits: Tensor, _ targets: Tensor) -> Tensor
}

/// The mean of `values` over every axis but the first: per-example values `[batch]`.
func perExampleMean(_ values: Tensor) -> Tensor {
    values.rank <= 1 ? values : values.mean(squeezingAxes: Array(1..<values.rank))
}

/// Targets reshaped to the predictions' shape when they hold the same number of elements
/// (so `[n]` targets meet `[n, 1]` predictions element by element, not by broadcasting).
extension Tensor {
    func aligned(to predictions: Tensor) -> Tensor {
        shape != predictions.shape && count == predictions.count ? reshaped(predictions.shape) : self
    }
}
