import Foundation

extension Module {
    /// Sets the optimizer, loss and metrics that ``fit(_:_:epochs:batchSize:validationData:validationSplit:shuffle:verbose:callbacks:)`` uses.
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [Metric] = []) {
        configuration = TrainingConfiguration(optimizer: optimizer, loss: loss, metrics: metrics)
    }

    /// The optimizer set by ``compile(optimizer:loss:metrics:)``.
    public var optimizer: Optimizer? { configuration?.optimizer }

    /// Trains the model on `x` and `y` for `epochs` passes of mini-batches.
    ///
    /// Everything is validated before any weight changes: shapes against the model, row counts,
    /// empty data, NaN or infinite values, and label ranges; a failure throws a ``CortexError``.
    /// Rows are shuffled each epoch with the model's generator; the last batch may be smaller.
    /// The model is in training mode during the steps and returns to its previous mode after.
    ///
    /// - Parameters:
    ///   - validationData: evaluated after each epoch (`val_loss`, `val_<metric>`).
    ///   - validationSplit: the fraction of rows, taken from the end before shuffling, held out
    ///     for validation when no `validationData` is given (as Keras).
    ///   - augmentation: applied on the fly to each training batch (not to validation data).
    ///   - initialEpoch: the epoch to start from when resuming (see ``loadCheckpoint(from:)``);
    ///     training runs epochs `initialEpoch..<epochs`.
    @discardableResult
    public func fit(
        _ x: Tensor, _ y: Tensor, epochs: Int = 1, batchSize: Int = 32,
        validationData: (Tensor, Tensor)? = nil, validationSplit: Float = 0, shuffle: Bool = true,
        verbose: Verbosity = .progressBar, callbacks: [Callback] = [], augmentation: ImageAugmentation? = nil,
        initialEpoch: Int = 0
    ) throws -> History {
        guard let configuration else {
            throw CortexError(.notCompiled, "\(name) must be compiled with compile(optimizer:loss:metrics:) before fit")
        }
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
            validation = (x.slice((rows - held)..<rows), y.slice((rows - held)..<rows))
        }

        let previousMode = isTraining
        defer { isTraining = previousMode }
        stopTraining = false
        var history = History()
        let printer: Verbosity =
            verbose == .progressBar && isatty(STDOUT_FILENO) == 0 ? .epochLines : verbose
        callbacks.forEach { $0.trainingWillBegin(model: self) }
        let parameters = trainableParameters
        for epoch in initialEpoch..<epochs {
            callbacks.forEach { $0.epochWillBegin(epoch, model: self) }
            isTraining = true
            let batches = Batches(
                trainX, trainY, batchSize: batchSize, shuffle: shuffle, augmentation: augmentation,
                using: &randomness.generator)
            var progress = ProgressBar(total: batches.count, live: printer == .progressBar)
            if printer != .silent { print(ProgressBar.epochHeader(epoch, of: epochs)) }
            var totals = RunningMetrics(loss: configuration.loss, metrics: configuration.metrics)
            for (index, (xb, yb)) in batches.enumerated() {
                callbacks.forEach { $0.batchWillBegin(index, model: self) }
                let (value, predictions) = forwardLoss(xb, yb, loss: configuration.loss)
                let loss = value + regularizationLoss()
                loss.backward()
                configuration.optimizer.step(parameters)
                totals.add(loss: loss.scalar, predictions: predictions, targets: yb)
                let logs = totals.logs
                progress.update(done: index + 1, logs: logs)
                callbacks.forEach { $0.batchDidEnd(index, logs: Dictionary(uniqueKeysWithValues: logs), model: self) }
                if stopTraining { break }
            }
            isTraining = false
            var logs = totals.logs
            if let (vx, vy) = validation {
                let scores = evaluateUnchecked(vx, vy, batchSize: batchSize, configuration: configuration)
                logs += scores.map { ("val_" + $0.0, $0.1) }
            }
            if printer != .silent { progress.finish(logs: logs) }
            let dictionary = Dictionary(uniqueKeysWithValues: logs)
            history.record(epoch: epoch, logs: dictionary)
            callbacks.forEach { $0.epochDidEnd(epoch, logs: dictionary, model: self) }
            if stopTraining { break }
        }
        callbacks.forEach { $0.trainingDidEnd(model: self) }
        return history
    }

    /// The loss and metrics on `x` and `y`, in inference mode: `["loss": ..., "accuracy": ...]`.
    public func evaluate(_ x: Tensor, _ y: Tensor, batchSize: Int = 32) throws -> [String: Float] {
        guard let configuration else {
            throw CortexError(
                .notCompiled, "\(name) must be compiled with compile(optimizer:loss:metrics:) before evaluate")
        }
        guard batchSize > 0 else { throw CortexError(.invalidArgument, "batchSize must be positive, got \(batchSize)") }
        try validate(x, y, loss: configuration.loss, role: "")
        return Dictionary(
            uniqueKeysWithValues: evaluateUnchecked(x, y, batchSize: batchSize, configuration: configuration))
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
        return forwardLoss(x, y, loss: loss).loss + regularizationLoss()
    }

    /// The loss of a batch and the predictions (detached, after the last activation) for metrics.
    func forwardLoss(_ x: Tensor, _ y: Tensor, loss: Loss) -> (loss: Tensor, predictions: Tensor) {
        if let activation = loss.outputActivation {
            let (output, deferred) = self(x, deferring: activation)
            if deferred {
                return (loss.loss(logits: output, y), withoutGradients { activation(output.detached) })
            }
            return (loss(output, y), output.detached)
        }
        let output = self(x)
        return (loss(output, y), output.detached)
    }

    /// The model's outputs for every row of `x`, computed in inference mode in batches.
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

    private func evaluateUnchecked(
        _ x: Tensor, _ y: Tensor, batchSize: Int, configuration: TrainingConfiguration
    ) -> [(String, Float)] {
        let previousMode = isTraining
        isTraining = false
        defer { isTraining = previousMode }
        var totals = RunningMetrics(loss: configuration.loss, metrics: configuration.metrics)
        let rows = x.shape[0]
        withoutGradients {
            for start in stride(from: 0, to: rows, by: batchSize) {
                let range = start..<Swift.min(start + batchSize, rows)
                let yb = y.slice(range)
                let (value, predictions) = forwardLoss(x.slice(range), yb, loss: configuration.loss)
                totals.add(loss: value.scalar, predictions: predictions, targets: yb)
            }
        }
        return totals.logs
    }

    /// Checks inputs against the model (building it) and returns the per-example output shape.
    @discardableResult
    private func validateInputs(_ x: Tensor, role: String) throws -> [Int] {
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

    private func validate(_ x: Tensor, _ y: Tensor, loss: Loss, role: String) throws {
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

    private func firstNonFinite(_ t: Tensor) -> (row: Int, value: Float)? {
        let perRow = Swift.max(t.count / Swift.max(t.shape.first ?? 1, 1), 1)
        return t.withUnsafeBufferPointer { p in
            ReductionKernel.firstNonFinite(p).map { ($0 / perRow, p[$0]) }
        }
    }
}

/// Example-weighted running averages of the loss and metrics over an epoch.
struct RunningMetrics {
    let loss: Loss
    let metrics: [Metric]
    private var lossSum = 0.0, rows = 0
    private var sums: [Double], counts: [Int]

    init(loss: Loss, metrics: [Metric]) {
        self.loss = loss
        self.metrics = metrics
        sums = Array(repeating: 0, count: metrics.count)
        counts = Array(repeating: 0, count: metrics.count)
    }

    mutating func add(loss value: Float, predictions: Tensor, targets: Tensor) {
        let n = predictions.shape.first ?? 1
        lossSum += Double(value) * Double(n)
        rows += n
        for (i, metric) in metrics.enumerated() {
            let (sum, count) = metric.evaluate(predictions, targets, loss: loss)
            sums[i] += sum
            counts[i] += count
        }
    }

    var logs: [(String, Float)] {
        [("loss", Float(lossSum / Double(Swift.max(rows, 1))))]
            + metrics.indices.map { (metrics[$0].name, Float(sums[$0] / Double(Swift.max(counts[$0], 1)))) }
    }
}
