/// How a training step turns a batch into gradients on the model's parameters: the plain
/// loss gradient (`LossGradientStep`), or a private one (per-example clipping and noise).
protocol GradientStep {
    /// Accumulates into `parameters`' `grad` the gradient of this process's share of the
    /// global batch, scaled so that the shares of all processes add up to the global batch's
    /// gradient, and returns what the step's metrics need.
    mutating func computeGradients(
        of model: Module, on batch: StepBatch, configuration: TrainingConfiguration, parameters: [Parameter]
    ) throws -> StepOutcome

    /// Called after each epoch with the number of steps it ran; returns extra values to log
    /// (`epsilon` for private training).
    mutating func epochDidEnd(epoch: Int, steps: Int) -> [(String, Float)]
}

extension GradientStep {
    mutating func epochDidEnd(epoch: Int, steps: Int) -> [(String, Float)] { [] }
}

/// What one step reports for the running metrics.
struct StepOutcome {
    /// The sum over the local batch of the weighted total loss (all outputs, with their loss
    /// weights, and regularization as `count * penalty`), so that dividing the epoch's totals by
    /// its examples gives Keras's running loss.
    var lossSum: Double
    /// The same sum for each output's own loss.
    var outputLossSums: [Double]
    /// The predictions for the local batch, one per output (after the last activation), detached.
    var predictions: [Tensor]
}

/// The losses of a batch: per output its weighted sum `Σ w_i l_i` (a tracked scalar) and the
/// predictions, through each loss's fused form where the model allows.
struct BatchLosses {
    let sums: [Tensor]
    let predictions: [Tensor]

    init(model: Module, batch: Batch, configuration: TrainingConfiguration) throws {
        let (perExample, predictions) = model.forwardLosses(batch.inputs, batch.targets, losses: configuration.losses)
        sums = try zip(configuration.losses, perExample).map { loss, values in
            try loss.weightedSum(values, sampleWeights: batch.sampleWeights, examples: batch.count)
        }
        self.predictions = predictions
    }

    /// The objective whose gradient a step takes: `Σ_k λ_k s_k / N` (without `/ N` for a loss
    /// with the `.sum` reduction), N the global batch size.
    func objective(_ configuration: TrainingConfiguration, globalCount: Int) -> Tensor {
        var total = Tensor(0)
        for (k, sum) in sums.enumerated() {
            let scale: Float = configuration.losses[k].reduction == .mean ? 1 / Float(Swift.max(globalCount, 1)) : 1
            total = total + sum * (configuration.lossWeights[k] * scale)
        }
        return total
    }

    /// The step's loss sums (see `StepOutcome`) with regularization `penalty`.
    func outcome(_ configuration: TrainingConfiguration, examples: Int, penalty: Float) -> StepOutcome {
        let n = Double(Swift.max(examples, 1))
        let outputSums = sums.enumerated().map { k, sum in
            // A `.sum` loss reports its batch sum per example seen.
            configuration.losses[k].reduction == .mean ? Double(sum.scalar) : Double(sum.scalar) * n
        }
        let total = zip(outputSums, configuration.lossWeights).reduce(0.0) { $0 + $1.0 * Double($1.1) }
        return StepOutcome(
            lossSum: total + Double(penalty) * Double(examples), outputLossSums: outputSums, predictions: predictions)
    }
}

/// The gradient of the batch's loss `Σ_k λ_k Σ_i w_i l_ik / N` (N the global batch size), plus
/// each layer's regularization penalty.
struct LossGradientStep: GradientStep {
    mutating func computeGradients(
        of model: Module, on batch: StepBatch, configuration: TrainingConfiguration, parameters: [Parameter]
    ) throws -> StepOutcome {
        let local = batch.local
        let share = Float(local.count) / Float(Swift.max(batch.globalCount, 1))
        let losses = try BatchLosses(model: model, batch: local, configuration: configuration)
        let penalty = model.regularizationLoss()
        // Each process adds its share of the penalty, so the processes' sum holds it once.
        (losses.objective(configuration, globalCount: batch.globalCount) + penalty * share).backward()
        return losses.outcome(configuration, examples: local.count, penalty: penalty.scalar)
    }
}
