import Cortex
import CortexDistributed

/// A deterministic 3-class problem: 8 features, the class is the largest of three fixed linear
/// scores. The same on every rank.
func syntheticData(rows: Int, seed: UInt64 = 7) -> (x: Tensor, y: Tensor) {
    var rng = RandomGenerator(seed: seed)
    let x = Tensor.randomNormal([rows, 8], using: &rng)
    let w = Tensor.randomNormal([8, 3], using: &rng)
    let scores = matmul(x, w).scalars
    let labels = (0..<rows).map { row -> Float in
        let s = scores[(row * 3)..<(row * 3 + 3)]
        return Float(s.indices.max(by: { s[$0] < s[$1] })! - row * 3)
    }
    return (x, Tensor(labels, shape: [rows]))
}

/// A small MLP, built for 8 features; `seed` fixes its initial weights.
func smallModel(seed: UInt64) throws -> Sequential {
    let model = Sequential(seed: seed) {
        Dense(units: 16, activation: .relu)
        Dense(units: 16, activation: .tanh)
        Dense(units: 3)
    }
    try model.build(inputShape: [8])
    return model
}

let trainingLoss = Loss.sparseCategoricalCrossentropy(fromLogits: true)

/// Runs `steps` data-parallel steps the way a distributed fit would: global batches of
/// `globalBatch` rows taken in order, each rank computing its share, gradients averaged with
/// the share as weight (the failure flag fused in), then the same optimizer step on every rank.
///
/// `beforeStep` runs inside the step on this rank only; an error it throws is agreed on.
func trainDistributed(
    _ model: Module, optimizer: Optimizer, reducer: GradientReducer, x: Tensor, y: Tensor,
    globalBatch: Int, steps: Int, beforeStep: (Int) throws -> Void = { _ in }
) throws {
    let comm = reducer.communicator
    let rows = x.shape[0]
    model.isTraining = true
    for step in 0..<steps {
        let start = (step * globalBatch) % rows
        let batch = start..<min(start + globalBatch, rows)
        let mine = comm.share(of: batch)
        var stepError: (any Error)? = nil
        do {
            try beforeStep(step)
            if !mine.isEmpty {
                trainingLoss(model(x[mine]), y[mine]).backward()
            }
        } catch {
            stepError = error
        }
        try reducer.averageGradients(weight: Float(mine.count) / Float(batch.count), error: stepError)
        optimizer.step(model.trainableParameters)
    }
}

/// The same steps in one process: the reference the distributed run must match.
func trainLocally(_ model: Module, optimizer: Optimizer, x: Tensor, y: Tensor, globalBatch: Int, steps: Int) {
    let rows = x.shape[0]
    model.isTraining = true
    for step in 0..<steps {
        let start = (step * globalBatch) % rows
        let batch = start..<min(start + globalBatch, rows)
        trainingLoss(model(x[batch]), y[batch]).backward()
        optimizer.step(model.trainableParameters)
    }
}

/// The largest element-wise difference between two parameter lists, relative to the largest
/// magnitude in `reference`.
func relativeDifference(_ values: [Tensor], _ reference: [Tensor]) -> Float {
    var difference: Float = 0
    var scale: Float = 0
    for (a, b) in zip(values, reference) {
        for (u, v) in zip(a.scalars, b.scalars) {
            difference = max(difference, abs(u - v))
            scale = max(scale, abs(v))
        }
    }
    return difference / max(scale, .leastNormalMagnitude)
}
