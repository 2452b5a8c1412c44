/// How a training step turns a batch into gradients on the model's parameters: the plain
/// loss gradient (`LossGradientStep`), or a private one (per-example clipping and noise).
protocol GradientStep {
    /// Accumulates into `parameters`' `grad` the gradient of this process's share of the
    /// global batch, scaled so that the shares of all processes add up to the global batch's
    /// gradient, and returns what the step's metrics need.
    mutating func computeGradients(
        of model: Module, on batch: StepBatch, loss: Loss, parameters: [Parameter]
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
    /// The sum of the (weighted) per-example losses of the local batch, regularization included
    /// as `count * penalty`, so that dividing the epoch's totals by its examples gives Keras's
    /// running loss.
    var lossSum: Double
    /// The predictions for the local batch (after the last activation), detached.
    var predictions: Tensor
}

/// The gradient of the batch's loss, `Σ w_i l_i / N` (N the global batch size; `Σ w_i l_i`
/// with the `.sum` reduction), plus each layer's regularization penalty.
struct LossGradientStep: GradientStep {
    mutating func computeGradients(
        of model: Module, on batch: StepBatch, loss: Loss, parameters: [Parameter]
    ) throws -> StepOutcome {
        let local = batch.local
        let share = Float(local.count) / Float(Swift.max(batch.globalCount, 1))
        let (perExample, predictions) = model.forwardLoss(local.inputs, local.targets, loss: loss)
        let penalty = model.regularizationLoss()
        let total = try loss.weightedSum(perExample, sampleWeights: local.sampleWeights, examples: local.count)
        let scale: Float = loss.reduction == .mean ? 1 / Float(Swift.max(batch.globalCount, 1)) : 1
        // Each process adds its share of the penalty, so the processes' sum holds it once.
        (total * scale + penalty * share).backward()
        let penaltyValue = Double(penalty.scalar)
        let lossValue =
            loss.reduction == .mean ? Double(total.scalar) : Double(total.scalar) / Double(Swift.max(local.count, 1))
        return StepOutcome(
            lossSum: lossValue + penaltyValue * Double(local.count), predictions: predictions)
    }
}
