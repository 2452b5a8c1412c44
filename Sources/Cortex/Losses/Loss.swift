/// A loss as `compile` and hand-written loops use it: a ``LossFunction`` and how its
/// per-example values are reduced to the scalar that `backward()` starts from.
///
/// ```swift
/// model.compile(optimizer: Adam(), loss: .sparseCategoricalCrossentropy())
/// let value = Loss.meanSquaredError(predictions, targets)   // a scalar tensor
/// ```
///
/// Cross-entropies have a stable fused form: inside `fit`, `evaluate` and ``Module/loss(_:_:using:)``,
/// when the model's last step is the matching softmax or sigmoid, the loss is computed from
/// that activation's input, so confident predictions never produce NaN or infinity. Called
/// directly on probabilities, they clip them to `[1e-7, 1 - 1e-7]` as Keras does; pass logits
/// with `fromLogits: true` for the stable form.
public struct Loss: Sendable {
    /// How per-example losses become the loss of a batch.
    public enum Reduction: Sendable, Equatable {
        /// The mean over the examples (Keras's `sum_over_batch_size`).
        case mean
        /// The sum over the examples.
        case sum
    }

    /// The loss function.
    public let function: any LossFunction
    /// How per-example values are reduced.
    public let reduction: Reduction

    /// A loss from a function and a reduction.
    ///
    /// - Parameters:
    ///   - function: computes per-example losses.
    ///   - reduction: `.mean` (default) or `.sum` over the examples.
    public init(_ function: any LossFunction, reduction: Reduction = .mean) {
        self.function = function
        self.reduction = reduction
    }

    /// A custom loss (see ``LossFunction``).
    public static func custom(_ function: some LossFunction, reduction: Reduction = .mean) -> Loss {
        Loss(function, reduction: reduction)
    }

    /// mean((prediction - target)²).
    public static let meanSquaredError = Loss(MeanSquaredError())
    /// mean(|prediction - target|).
    public static let meanAbsoluteError = Loss(MeanAbsoluteError())
    /// Cross-entropy for 0/1 targets and one probability (or logit) per output.
    public static func binaryCrossentropy(fromLogits: Bool = false) -> Loss {
        Loss(BinaryCrossentropy(fromLogits: fromLogits))
    }
    /// Cross-entropy for one-hot (or soft) targets `[batch, classes]`.
    public static func categoricalCrossentropy(fromLogits: Bool = false) -> Loss {
        Loss(CategoricalCrossentropy(fromLogits: fromLogits))
    }
    /// Cross-entropy for class-index targets `[batch]` (indices stored as `Float`).
    public static func sparseCategoricalCrossentropy(fromLogits: Bool = false) -> Loss {
        Loss(SparseCategoricalCrossentropy(fromLogits: fromLogits))
    }

    /// The name Keras reports for this loss.
    public var name: String { function.name }

    /// The loss of a batch, a scalar tensor.
    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        reduce(function(predictions, targets))
    }

    /// The activation whose input ``loss(logits:_:)`` takes instead of its output, if any.
    var outputActivation: ActivationFunction? { (function as? any LogitsLossFunction)?.outputActivation }

    /// The per-example losses from the input of the model's last activation (``outputActivation``).
    func perExample(logits: Tensor, _ targets: Tensor) -> Tensor {
        guard let fused = function as? any LogitsLossFunction else { return function(logits, targets) }
        return fused.perExample(logits: logits, targets)
    }

    /// The loss of a batch from per-example values: their mean or sum.
    func reduce(_ values: Tensor) -> Tensor {
        guard values.rank > 0 else { return values }
        return reduction == .mean ? values.mean() : values.sum()
    }

    /// `Σ w_i l_i` over a batch of `examples` from the function's per-example values `l`
    /// (`[n]`, or `[n, ...]` averaged over the trailing axes unless the weights have that shape)
    /// and weights `w` (`[n]`, `[n, ...]` like the values, or nil for ones). A function that
    /// returns a scalar stands for the batch's mean (`examples` times it), and takes no weights.
    func weightedSum(_ values: Tensor, sampleWeights: Tensor?, examples: Int) throws -> Tensor {
        guard values.rank > 0 else {
            guard sampleWeights == nil else {
                throw CortexError(
                    .invalidArgument,
                    "\(name) returns one value per batch, so sample weights cannot be applied: return per-example values [batch]"
                )
            }
            return values * Float(examples)
        }
        guard let weights = sampleWeights else { return perExampleMean(values).sum() }
        if weights.shape == values.shape { return (values * weights).sum() }
        guard weights.count == examples else {
            throw CortexError(
                .shapeMismatch,
                "sample weights \(weights.shape) fit neither the batch (\(examples) examples) nor \(name)'s values \(values.shape)"
            )
        }
        return (perExampleMean(values) * weights.reshaped([examples])).sum()
    }
}
