/// Cross-entropy for class-index targets (indices stored as `Float`): predictions
/// `[batch, ..., classes]`, targets `[batch, ...]`, per example.
///
/// On probabilities they are clipped to `[1e-7, 1 - 1e-7]` (Keras's epsilon); inside `fit` a
/// model whose last activation is softmax is evaluated from its logits with a fused
/// log-sum-exp kernel.
public struct SparseCategoricalCrossentropy: LogitsLossFunction {
    /// Whether predictions are logits rather than probabilities.
    public let fromLogits: Bool

    /// Creates the loss.
    public init(fromLogits: Bool = false) { self.fromLogits = fromLogits }

    public var name: String { "sparse_categorical_crossentropy" }
    public var accuracy: AccuracyKind { .sparseCategorical }
    var outputActivation: ActivationFunction? { fromLogits ? nil : .softmax }

    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        if fromLogits { return perExample(logits: predictions, targets) }
        let classes = predictions.shape[predictions.rank - 1]
        let oneHot = Tensor(oneHot: targets, classes: classes).reshapedStorage(predictions.shape)
        let p = clip(predictions, to: crossEntropyEpsilon...(1 - crossEntropyEpsilon))
        return perExampleMean(-(oneHot * log(p)).sum(squeezingAxes: [-1]))
    }

    func perExample(logits: Tensor, _ targets: Tensor) -> Tensor {
        let rows = sparseSoftmaxCrossEntropy(logits: logits, labels: targets)
        let batch = logits.shape.first ?? 1
        return perExampleMean(rows.reshaped([batch, -1]))
    }

    public func validate(targets: Tensor, outputShape: [Int], role: String) throws {
        let classes = outputShape.last ?? 1
        let perExample = outputShape.reduce(1, *) / Swift.max(classes, 1)
        let rows = Swift.max(targets.shape.first ?? 1, 1)
        guard targets.rank >= 1, targets.count == rows * perExample else {
            throw CortexError(
                .shapeMismatch,
                "\(role)labels \(targets.shape) do not fit model output \(batchShapeDescription(outputShape)) for \(name): expected one class index per row"
            )
        }
        let values = targets.scalars
        if let i = values.firstIndex(where: { !($0 >= 0 && $0 < Float(classes) && $0 == $0.rounded()) }) {
            throw CortexError(
                .invalidData,
                "\(role)labels has \(values[i]) at row \(i / Swift.max(perExample, 1)), expected a class index in 0..<\(classes)"
            )
        }
    }
}

extension Tensor {
    /// One-hot rows `[n, classes]` for `n` class indices (stored as `Float`).
    ///
    /// - Parameters:
    ///   - labels: class indices, any shape.
    ///   - classes: the number of classes; every label must be in `0..<classes`.
    public init(oneHot labels: Tensor, classes: Int) {
        let n = labels.count
        var values = [Float](repeating: 0, count: n * classes)
        labels.withUnsafeBufferPointer { y in
            for i in 0..<n {
                let label = Int(exactly: y[i]) ?? -1
                check(label >= 0 && label < classes, "oneHot: label \(y[i]) is not in 0..<\(classes)")
                values[i * classes + label] = 1
            }
        }
        self.init(values, shape: [n, classes])
    }
}
