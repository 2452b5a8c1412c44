import Foundation

extension Module {
    /// Sets the optimizer, loss and metrics that `fit` and `evaluate` use.
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters after each batch.
    ///   - loss: the training objective.
    ///   - metrics: reported next to the loss (none by default).
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [Metric] = []) {
        configuration = TrainingConfiguration(optimizer: optimizer, loss: loss, metrics: metrics)
    }

    /// The optimizer set by ``compile(optimizer:loss:metrics:)``.
    public var optimizer: Optimizer? { configuration?.optimizer }

    /// Trains the model on `x` and `y` for `epochs` passes of mini-batches.
    ///
    /// Everything is validated before any weight changes: shapes against the model, row counts,
    /// empty data, NaN or infinite values, label ranges and weights; a failure throws a
    /// ``CortexError``. Rows are shuffled each epoch with the model's generator; the last batch
    /// may be smaller. The model is in training mode during the steps and returns to its
    /// previous mode after.
    ///
    /// - Parameters:
    ///   - x: inputs, one row per example.
    ///   - y: targets, one row per example.
    ///   - epochs: the epoch to stop before (training runs `initialEpoch..<epochs`).
    ///   - batchSize: examples per step (the global batch, split between processes, with
    ///     `distributed`).
    ///   - validationData: evaluated after each epoch (`val_loss`, `val_<metric>`).
    ///   - validationSplit: the fraction of rows, taken from the end before shuffling, held out
    ///     for validation when no `validationData` is given (as Keras).
    ///   - shuffle: whether to shuffle the rows each epoch.
    ///   - verbose: what to print.
    ///   - callbacks: hooks called during training.
    ///   - augmentation: applied on the fly to each training batch (not to validation data).
    ///   - initialEpoch: the epoch to start from when resuming (see ``loadCheckpoint(from:)``).
    ///   - sampleWeight: a weight per example (`[n]`), or per time step (`[n, time]`) for a loss
    ///     that keeps the time axis; the loss is `Σ w_i l_i / batch size`, as Keras computes it.
    ///   - classWeight: a weight per class index, multiplied into each example's weight (the
    ///     class is the label, or its argmax for one-hot labels).
    ///   - distributed: the coordinator of several processes training together (see
    ///     ``TrainingCoordinator``; `CortexDistributed`'s `MPICommunicator` is one).
    @discardableResult
    public func fit(
        _ x: Tensor, _ y: Tensor, epochs: Int = 1, batchSize: Int = 32,
        validationData: (Tensor, Tensor)? = nil, validationSplit: Float = 0, shuffle: Bool = true,
        verbose: Verbosity = .progressBar, callbacks: [Callback] = [], augmentation: ImageAugmentation? = nil,
        initialEpoch: Int = 0, sampleWeight: Tensor? = nil, classWeight: [Int: Float]? = nil,
        distributed: (any TrainingCoordinator)? = nil
    ) throws -> History {
        let configuration = try compiled(for: "fit")
        guard epochs >= 0 else { throw CortexError(.invalidArgument, "epochs must be non-negative, got \(epochs)") }
        guard initialEpoch >= 0 && initialEpoch <= epochs else {
            throw CortexError(.invalidArgument, "initialEpoch must be in 0...\(epochs), got \(initialEpoch)")
        }
        guard batchSize > 0 else { throw CortexError(.invalidArgument, "batchSize must be positive, got \(batchSize)") }
        guard validationSplit >= 0 && validationSplit < 1 else {
            throw CortexError(.invalidArgument, "validationSplit must be in [0, 1), got \(validationSplit)")
        }
        try validate(x, y, loss: configuration.loss, role: "")
        if augmentation != nil && x.rank != 4 {
            throw CortexError(
                .invalidArgument, "augmentation needs image inputs [n, height, width, channels], got \(x.shape)")
        }
        var weights = try exampleWeights(sampleWeight, classWeight: classWeight, labels: y, rows: x.shape[0])
        var (trainX, trainY) = (x, y)
        var validation = validationData
        if let (vx, vy) = validationData {
            try validate(vx, vy, loss: configuration.loss, role: "validation ")
        } else if validationSplit > 0 {
            let rows = x.shape[0]
            let held = Int(Float(rows) * validationSplit)
            guard held > 0 && held < rows else {
                throw CortexError(
                    .invalidArgument, "validationSplit \(validationSplit) of \(rows) rows leaves an empty split")
            }
            trainX = x.slice(0..<(rows - held))
            trainY = y.slice(0..<(rows - held))
            weights = weights?.slice(0..<(rows - held))
            validation = (x.slice((rows - held)..<rows), y.slice((rows - held)..<rows))
        }
        var loop = TrainingLoop(
            model: self, configuration: configuration,
            source: TensorBatchSource(
                inputs: trainX, targets: trainY, sampleWeights: weights, batchSize: batchSize, shuffle: shuffle,
                augmentation: augmentation),
            gradientStep: LossGradientStep(),
            validation: validation.map {
                TensorBatchSource(
                    inputs: $0.0, targets: $0.1, sampleWeights: nil, batchSize: batchSize, shuffle: false,
                    augmentation: nil)
            },
            coordinator: distributed, epochs: epochs, initialEpoch: initialEpoch, verbose: verbose,
            callbacks: callbacks)
        return try loop.run()
    }

    /// The loss and metrics on `x` and `y`, in inference mode: `["loss": ..., "accuracy": ...]`.
    ///
    /// - Parameters:
    ///   - x: inputs, one row per example.
    ///   - y: targets, one row per example.
    ///   - batchSize: examples per forward pass.
    ///   - sampleWeight: a weight per example (or per time step), as in `fit`.
    public func evaluate(_ x: Tensor, _ y: Tensor, batchSize: Int = 32, sampleWeight: Tensor? = nil) throws
        -> [String: Float]
    {
        let configuration = try compiled(for: "evaluate")
        guard batchSize > 0 else { throw CortexError(.invalidArgument, "batchSize must be positive, got \(batchSize)") }
        try validate(x, y, loss: configuration.loss, role: "")
        let weights = try exampleWeights(sampleWeight, classWeight: nil, labels: y, rows: x.shape[0])
        let previousMode = isTraining
        isTraining = false
        defer { isTraining = previousMode }
        var totals = RunningMetrics(loss: configuration.loss, metrics: configuration.metrics)
        let rows = x.shape[0]
        try withoutGradients {
            for start in stride(from: 0, to: rows, by: batchSize) {
                let range = start..<Swift.min(start + batchSize, rows)
                let batch = Batch(inputs: x.slice(range), targets: y.slice(range), sampleWeights: weights?.slice(range))
                let (perExample, predictions) = forwardLoss(batch.inputs, batch.targets, loss: configuration.loss)
                let sum = try configuration.loss.weightedSum(
                    perExample, sampleWeights: batch.sampleWeights, examples: batch.count)
                let lossSum = configuration.loss.reduction == .mean ? sum.scalar : sum.scalar * Float(batch.count)
                totals.add(lossSum: Double(lossSum), predictions: predictions, batch: batch)
            }
        }
        return Dictionary(totals.logs, uniquingKeysWith: { $1 })
    }

    /// The loss of the model on a batch as `fit` computes it, a scalar tensor: through the
    /// loss's stable fused form when the model ends in the matching softmax or sigmoid (see
    /// ``Loss``), plus the layers' regularization penalties. For hand-written training loops.
    ///
    /// - Parameters:
    ///   - x: a batch of inputs.
    ///   - y: its targets.
    ///   - loss: the loss; by default the one set by `compile`.
    public func loss(_ x: Tensor, _ y: Tensor, using loss: Loss? = nil) -> Tensor {
        guard let loss = loss ?? configuration?.loss else {
            programmingError("\(name).loss(_:_:) needs a loss: pass one or compile the model first")
        }
        return loss.reduce(forwardLoss(x, y, loss: loss).perExample) + regularizationLoss()
    }

    /// The loss function's per-example values on a batch (through its stable fused form when
    /// the model ends in the matching activation) and the predictions (detached, after the last
    /// activation) for metrics.
    func forwardLoss(_ x: Tensor, _ y: Tensor, loss: Loss) -> (perExample: Tensor, predictions: Tensor) {
        if let activation = loss.outputActivation {
            let (output, deferred) = self(x, deferring: activation)
            if deferred {
                return (loss.perExample(logits: output, y), withoutGradients { activation(output.detached) })
            }
            return (loss.function(output, y), output.detached)
        }
        let output = self(x)
        return (loss.function(output, y), output.detached)
    }

    /// The model's outputs for every row of `x`, computed in inference mode in batches.
    ///
    /// - Parameters:
    ///   - x: inputs, one row per example.
    ///   - batchSize: examples per forward pass.
    public func predict(_ x: Tensor, batchSize: Int = 32) throws -> Tensor {
        guard batchSize > 0 else { throw CortexError(.invalidArgument, "batchSize must be positive, got \(batchSize)") }
        try validateInputs(x, role: "")
        let previousMode = isTraining
        isTraining = false
        defer { isTraining = previousMode }
        let rows = x.shape[0]
        return withoutGradients {
            // One batch covers everything: no copy of the input.
            if rows <= batchSize { return self(x.detached).detached }
            let parts = stride(from: 0, to: rows, by: batchSize).map { start in
                self(x.slice(start..<Swift.min(start + batchSize, rows)))
            }
            return parts.count == 1 ? parts[0].detached : Tensor.concatenating(parts)
        }
    }

    /// The configuration set by `compile`, or a thrown error naming `operation`.
    func compiled(for operation: String) throws -> TrainingConfiguration {
        guard let configuration else {
            throw CortexError(
                .notCompiled, "\(name) must be compiled with compile(optimizer:loss:metrics:) before \(operation)")
        }
        return configuration
    }

    /// Checks inputs against the model (building it) and returns the per-example output shape.
    @discardableResult
    func validateInputs(_ x: Tensor, role: String) throws -> [Int] {
        guard x.rank >= 1, x.shape[0] > 0 else {
            throw CortexError(.invalidData, "\(role)inputs are empty (shape \(x.shape))")
        }
        if let bad = firstNonFinite(x) {
            throw CortexError(.invalidData, "\(role)inputs contain \(bad.value) at row \(bad.row)")
        }
        let outputShape = try build(inputShape: Array(x.shape.dropFirst()))
        try validate(input: x)
        return outputShape
    }

    /// Checks inputs and targets against the model and the loss.
    func validate(_ x: Tensor, _ y: Tensor, loss: Loss, role: String) throws {
        let outputShape = try validateInputs(x, role: role)
        let rows = x.shape[0]
        guard y.rank >= 1, y.shape[0] == rows else {
            throw CortexError(.invalidData, "\(role)labels has \(y.shape.first ?? 0) rows but inputs has \(rows)")
        }
        if let bad = firstNonFinite(y) {
            throw CortexError(.invalidData, "\(role)labels contain \(bad.value) at row \(bad.row)")
        }
        try loss.function.validate(targets: y, outputShape: outputShape, role: role)
    }

    /// Per-example weights from `sampleWeight` and `classWeight` (nil when neither is given),
    /// validated: one row per example, finite and non-negative, every label's class weighted.
    func exampleWeights(_ sampleWeight: Tensor?, classWeight: [Int: Float]?, labels: Tensor, rows: Int) throws
        -> Tensor?
    {
        var weights = sampleWeight
        if let w = sampleWeight {
            guard w.rank >= 1, w.shape[0] == rows else {
                throw CortexError(.invalidData, "sampleWeight has \(w.shape.first ?? 0) rows but inputs has \(rows)")
            }
            if let i = w.scalars.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw CortexError(
                    .invalidData,
                    "sampleWeight has \(w.scalars[i]) at row \(i / Swift.max(w.count / rows, 1)), expected a finite weight >= 0"
                )
            }
        }
        guard let classWeight else { return weights }
        if let (c, v) = classWeight.first(where: { !($0.value.isFinite && $0.value >= 0) }) {
            throw CortexError(.invalidArgument, "classWeight for class \(c) is \(v), expected a finite weight >= 0")
        }
        let perRow = labels.count / Swift.max(rows, 1)
        let values = labels.scalars
        var factors = [Float](repeating: 1, count: rows)
        for r in 0..<rows {
            let row = values[(r * perRow)..<((r + 1) * perRow)]
            // A class index, or the argmax of a one-hot (or probability) row.
            let label = perRow == 1 ? Int(row.first!) : row.indices.max { row[$0] < row[$1] }! - r * perRow
            guard let factor = classWeight[label] else {
                throw CortexError(.invalidArgument, "classWeight has no weight for class \(label) (row \(r))")
            }
            factors[r] = factor
        }
        let classFactors = Tensor(factors)
        guard let w = weights else { return classFactors }
        weights =
            w.rank == 1 ? w * classFactors : w * classFactors.reshaped([rows] + [Int](repeating: 1, count: w.rank - 1))
        return weights
    }

    private func firstNonFinite(_ t: Tensor) -> (row: Int, value: Float)? {
        let perRow = Swift.max(t.count / Swift.max(t.shape.first ?? 1, 1), 1)
        return t.withUnsafeBufferPointer { p in
            ReductionKernel.firstNonFinite(p).map { ($0 / perRow, p[$0]) }
        }
    }
}
