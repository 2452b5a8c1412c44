import Foundation

extension Module {
    /// Sets the optimizer, loss and metrics that `fit` and `evaluate` use.
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters after each batch.
    ///   - loss: the training objective (of every output, for a model with several).
    ///   - metrics: reported next to the loss (none by default), for every output.
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [Metric] = []) {
        configuration = TrainingConfiguration(
            optimizer: optimizer, losses: Array(repeating: loss, count: outputCount),
            lossWeights: Array(repeating: 1, count: outputCount),
            metrics: Array(repeating: metrics, count: outputCount),
            outputNames: outputNames)
    }

    /// Sets the optimizer, and per output its loss, loss weight and metrics, for a model with
    /// several outputs (keys are the outputs' names, see ``outputNames``), as Keras's `compile`
    /// with dictionaries. The total loss is `Σ lossWeight * loss` over the outputs.
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters after each batch.
    ///   - losses: one loss per output name; every output needs one.
    ///   - lossWeights: the weight of each output's loss (1 for outputs not listed).
    ///   - metrics: each output's metrics (none for outputs not listed).
    public func compile(
        optimizer: Optimizer, losses: [String: Loss], lossWeights: [String: Float] = [:],
        metrics: [String: [Metric]] = [:]
    ) throws {
        let names = outputNames
        for key in Set(losses.keys).union(lossWeights.keys).union(metrics.keys) where !names.contains(key) {
            throw CortexError(.invalidArgument, "\(name) has no output named \(key); its outputs are \(names)")
        }
        var ordered: [Loss] = []
        for output in names {
            guard let loss = losses[output] else {
                throw CortexError(.invalidArgument, "compile: no loss for output \(output) of \(name)")
            }
            ordered.append(loss)
        }
        configuration = TrainingConfiguration(
            optimizer: optimizer, losses: ordered, lossWeights: names.map { lossWeights[$0] ?? 1 },
            metrics: names.map { metrics[$0] ?? [] }, outputNames: names)
    }

    /// The optimizer set by `compile`.
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
        try fit(
            [x], [y], epochs: epochs, batchSize: batchSize, validationData: validationData.map { ([$0.0], [$0.1]) },
            validationSplit: validationSplit, shuffle: shuffle, verbose: verbose, callbacks: callbacks,
            augmentation: augmentation, initialEpoch: initialEpoch, sampleWeight: sampleWeight,
            classWeight: classWeight, distributed: distributed)
    }

    /// Trains a model with several inputs or outputs: `x` holds one tensor per input and `y`
    /// one per output, all with the same rows; otherwise as
    /// ``fit(_:_:epochs:batchSize:validationData:validationSplit:shuffle:verbose:callbacks:augmentation:initialEpoch:sampleWeight:classWeight:distributed:)``
    /// (class weights apply to the first output's labels).
    @discardableResult
    public func fit(
        _ x: [Tensor], _ y: [Tensor], epochs: Int = 1, batchSize: Int = 32,
        validationData: ([Tensor], [Tensor])? = nil, validationSplit: Float = 0, shuffle: Bool = true,
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
        let rows = try validate(x, y, configuration: configuration, role: "")
        if augmentation != nil && (x.count != 1 || x[0].rank != 4) {
            throw CortexError(
                .invalidArgument,
                "augmentation needs one image input [n, height, width, channels], got \(x.map(\.shape))")
        }
        var weights = try exampleWeights(sampleWeight, classWeight: classWeight, labels: y[0], rows: rows)
        var (trainX, trainY) = (x, y)
        var validation = validationData
        if let (vx, vy) = validationData {
            try validate(vx, vy, configuration: configuration, role: "validation ")
        } else if validationSplit > 0 {
            let held = Int(Float(rows) * validationSplit)
            guard held > 0 && held < rows else {
                throw CortexError(
                    .invalidArgument, "validationSplit \(validationSplit) of \(rows) rows leaves an empty split")
            }
            trainX = x.map { $0.slice(0..<(rows - held)) }
            trainY = y.map { $0.slice(0..<(rows - held)) }
            weights = weights?.slice(0..<(rows - held))
            validation = (x.map { $0.slice((rows - held)..<rows) }, y.map { $0.slice((rows - held)..<rows) })
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
        try evaluate([x], [y], batchSize: batchSize, sampleWeight: sampleWeight)
    }

    /// ``evaluate(_:_:batchSize:sampleWeight:)`` for a model with several inputs or outputs: one
    /// tensor per input in `x`, one per output in `y`.
    public func evaluate(_ x: [Tensor], _ y: [Tensor], batchSize: Int = 32, sampleWeight: Tensor? = nil) throws
        -> [String: Float]
    {
        let configuration = try compiled(for: "evaluate")
        guard batchSize > 0 else { throw CortexError(.invalidArgument, "batchSize must be positive, got \(batchSize)") }
        let rows = try validate(x, y, configuration: configuration, role: "")
        let weights = try exampleWeights(sampleWeight, classWeight: nil, labels: y[0], rows: rows)
        let previousMode = isTraining
        isTraining = false
        defer { isTraining = previousMode }
        var totals = RunningMetrics(configuration)
        try withoutGradients {
            for start in stride(from: 0, to: rows, by: batchSize) {
                let range = start..<Swift.min(start + batchSize, rows)
                let batch = Batch(
                    inputs: x.map { $0.slice(range) }, targets: y.map { $0.slice(range) },
                    sampleWeights: weights?.slice(range))
                let losses = try BatchLosses(model: self, batch: batch, configuration: configuration)
                totals.add(losses.outcome(configuration, examples: batch.count, penalty: 0), batch: batch)
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
        return loss.reduce(forwardLosses([x], [y], losses: [loss]).perExample[0]) + regularizationLoss()
    }

    /// Each loss function's per-example values on a batch (through its stable fused form when
    /// the output ends in the matching activation) and the predictions (detached, after the last
    /// activation) for metrics, one per output.
    func forwardLosses(_ x: [Tensor], _ y: [Tensor], losses: [Loss]) -> (perExample: [Tensor], predictions: [Tensor]) {
        let outputs = self(x, deferring: losses.map(\.outputActivation))
        var perExample: [Tensor] = [], predictions: [Tensor] = []
        for (k, (output, deferred)) in outputs.enumerated() {
            if deferred, let activation = losses[k].outputActivation {
                perExample.append(losses[k].perExample(logits: output, y[k]))
                predictions.append(withoutGradients { activation(output.detached) })
            } else {
                perExample.append(losses[k].function(output, y[k]))
                predictions.append(output.detached)
            }
        }
        return (perExample, predictions)
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

    /// The outputs of a model with several inputs or outputs for every row of `x` (one tensor per
    /// input), computed in inference mode in batches: one tensor per output.
    public func predict(_ x: [Tensor], batchSize: Int = 32) throws -> [Tensor] {
        guard batchSize > 0 else { throw CortexError(.invalidArgument, "batchSize must be positive, got \(batchSize)") }
        let rows = try validateInputs(x, role: "").rows
        let previousMode = isTraining
        isTraining = false
        defer { isTraining = previousMode }
        return withoutGradients {
            let parts = stride(from: 0, to: rows, by: batchSize).map { start in
                self(x.map { $0.slice(start..<Swift.min(start + batchSize, rows)) }).map(\.detached)
            }
            return (0..<outputCount).map { k in
                parts.count == 1 ? parts[0][k] : Tensor.concatenating(parts.map { $0[k] })
            }
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

    /// Checks inputs of several inputs against the model (building it): one tensor per input,
    /// all with the same rows. Returns the rows and each output's per-example shape.
    func validateInputs(_ x: [Tensor], role: String) throws -> (rows: Int, outputShapes: [[Int]]) {
        guard x.count == inputCount else {
            throw CortexError(.invalidArgument, "\(name) takes \(inputCount) inputs, got \(x.count)")
        }
        for (i, input) in x.enumerated() {
            let label = x.count > 1 ? "\(role)input \(i)" : "\(role)inputs"
            guard input.rank >= 1, input.shape[0] > 0 else {
                throw CortexError(.invalidData, "\(label) are empty (shape \(input.shape))")
            }
            guard input.shape[0] == x[0].shape[0] else {
                throw CortexError(.invalidData, "\(label) has \(input.shape[0]) rows but input 0 has \(x[0].shape[0])")
            }
            if let bad = firstNonFinite(input) {
                throw CortexError(.invalidData, "\(label) contain \(bad.value) at row \(bad.row)")
            }
        }
        if x.count == 1 { return (x[0].shape[0], [try validateInputs(x[0], role: role)]) }
        let shapes = try build(inputShapes: x.map { Array($0.shape.dropFirst()) })
        return (x[0].shape[0], shapes)
    }

    /// Checks inputs and targets against the model and each output's loss; returns the rows.
    @discardableResult
    func validate(_ x: [Tensor], _ y: [Tensor], configuration: TrainingConfiguration, role: String) throws -> Int {
        let (rows, outputShapes) = try validateInputs(x, role: role)
        guard y.count == outputShapes.count else {
            throw CortexError(.invalidArgument, "\(name) has \(outputShapes.count) outputs but got \(y.count) targets")
        }
        for (k, target) in y.enumerated() {
            let label = y.count > 1 ? "\(role)labels of \(configuration.outputNames[k])" : "\(role)labels"
            guard target.rank >= 1, target.shape[0] == rows else {
                throw CortexError(.invalidData, "\(label) has \(target.shape.first ?? 0) rows but inputs has \(rows)")
            }
            if let bad = firstNonFinite(target) {
                throw CortexError(.invalidData, "\(label) contain \(bad.value) at row \(bad.row)")
            }
            try configuration.losses[k].function.validate(
                targets: target, outputShape: outputShapes[k],
                role: y.count > 1 ? "\(role)\(configuration.outputNames[k]) " : role)
        }
        return rows
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
