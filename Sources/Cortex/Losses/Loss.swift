/// A loss function: maps predictions and targets to a scalar, averaged over the batch as in Keras.
///
/// A cross-entropy whose predictions come straight from `softmax` or `sigmoid` (for example a
/// last `Dense(units:activation: .softmax)` layer) is computed in the stable fused form from the
/// logits, so confident predictions never produce NaN or infinity.
public struct Loss: Sendable {
    public enum Kind: String, Sendable {
        case meanSquaredError, meanAbsoluteError, binaryCrossentropy, categoricalCrossentropy,
            sparseCategoricalCrossentropy
    }

    public let kind: Kind
    /// Whether predictions are logits rather than probabilities (cross-entropies only).
    public let fromLogits: Bool

    /// Probabilities are clipped to `[epsilon, 1 - epsilon]` when no logits are at hand (Keras's 1e-7).
    static let epsilon: Float = 1e-7

    /// mean((prediction - target)^2).
    public static let meanSquaredError = Loss(kind: .meanSquaredError, fromLogits: false)
    /// mean(|prediction - target|).
    public static let meanAbsoluteError = Loss(kind: .meanAbsoluteError, fromLogits: false)
    /// Cross-entropy for 0/1 targets and one probability (or logit) per output.
    public static func binaryCrossentropy(fromLogits: Bool = false) -> Loss {
        Loss(kind: .binaryCrossentropy, fromLogits: fromLogits)
    }
    /// Cross-entropy for one-hot (or soft) targets `[batch, classes]`.
    public static func categoricalCrossentropy(fromLogits: Bool = false) -> Loss {
        Loss(kind: .categoricalCrossentropy, fromLogits: fromLogits)
    }
    /// Cross-entropy for class-index targets `[batch]` (indices stored as `Float`).
    public static func sparseCategoricalCrossentropy(fromLogits: Bool = false) -> Loss {
        Loss(kind: .sparseCategoricalCrossentropy, fromLogits: fromLogits)
    }

    /// The name Keras reports for this loss.
    public var name: String {
        switch kind {
        case .meanSquaredError: "mean_squared_error"
        case .meanAbsoluteError: "mean_absolute_error"
        case .binaryCrossentropy: "binary_crossentropy"
        case .categoricalCrossentropy: "categorical_crossentropy"
        case .sparseCategoricalCrossentropy: "sparse_categorical_crossentropy"
        }
    }

    /// The loss, a scalar tensor, averaged over the batch.
    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        switch kind {
        case .meanSquaredError:
            return (predictions - targets.aligned(to: predictions)).squared().mean()
        case .meanAbsoluteError:
            return abs(predictions - targets.aligned(to: predictions)).mean()
        case .binaryCrossentropy:
            if let logits = logits(of: predictions, .sigmoid) {
                return CrossEntropy.binaryFromLogits(logits, targets.aligned(to: logits))
            }
            let t = targets.aligned(to: predictions)
            let p = clip(predictions, to: Loss.epsilon...(1 - Loss.epsilon))
            return -(t * log(p) + (1 - t) * log(1 - p)).mean()
        case .categoricalCrossentropy:
            if let logits = logits(of: predictions, .softmax) {
                return -(targets * logSoftmax(logits, axis: -1)).sum(squeezingAxes: [-1]).mean()
            }
            let p = clip(predictions / predictions.sum(alongAxes: [-1]), to: Loss.epsilon...(1 - Loss.epsilon))
            return -(targets * log(p)).sum(squeezingAxes: [-1]).mean()
        case .sparseCategoricalCrossentropy:
            if let logits = logits(of: predictions, .softmax) {
                return CrossEntropy.sparseFromLogits(logits, targets)
            }
            let classes = predictions.shape[predictions.rank - 1]
            let oneHot = Tensor(oneHot: targets, classes: classes).reshapedStorage(predictions.shape)
            let p = clip(predictions, to: Loss.epsilon...(1 - Loss.epsilon))
            return -(oneHot * log(p)).sum(squeezingAxes: [-1]).mean()
        }
    }

    /// The logits behind `predictions`: themselves when `fromLogits`, else those of a recorded
    /// softmax/sigmoid of the matching kind.
    private func logits(of predictions: Tensor, _ kind: ActivationOrigin.Kind) -> Tensor? {
        if fromLogits { return predictions }
        if let origin = predictions.origin, origin.kind == kind { return origin.logits }
        return nil
    }
}

extension Tensor {
    /// One-hot rows `[n, classes]` for `n` class indices.
    public init(oneHot labels: Tensor, classes: Int) {
        let n = labels.count
        var values = [Float](repeating: 0, count: n * classes)
        labels.withUnsafeBufferPointer { y in
            for i in 0..<n {
                let label = Int(y[i])
                precondition(label >= 0 && label < classes, "oneHot: label \(y[i]) is not in 0..<\(classes)")
                values[i * classes + label] = 1
            }
        }
        self.init(values, shape: [n, classes])
    }

    /// Targets reshaped to the predictions' shape when they hold the same number of elements
    /// (so `[n]` targets meet `[n, 1]` predictions element by element, not by broadcasting).
    func aligned(to predictions: Tensor) -> Tensor {
        shape != predictions.shape && count == predictions.count ? reshaped(predictions.shape) : self
    }
}
