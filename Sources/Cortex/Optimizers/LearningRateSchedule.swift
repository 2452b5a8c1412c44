import Foundation

/// A learning rate that depends on the optimizer's step count (0 for the first step), as
/// Keras's `LearningRateSchedule`. Set one with `optimizer.schedule = ...` or the optimizers'
/// `schedule:` argument; it then overrides `learningRate` at every step.
public protocol LearningRateSchedule: Sendable {
    func learningRate(at step: Int) -> Float
}

/// `initial * rate^(step / decaySteps)`, with an integer exponent when `staircase`.
public struct ExponentialDecay: LearningRateSchedule {
    public let initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool

    public init(initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false) {
        check(decaySteps > 0, "ExponentialDecay: decaySteps must be positive")
        (self.initialLearningRate, self.decaySteps, self.decayRate, self.staircase) =
            (initialLearningRate, decaySteps, decayRate, staircase)
    }

    public func learningRate(at step: Int) -> Float {
        var exponent = Double(step) / Double(decaySteps)
        if staircase { exponent.round(.down) }
        return initialLearningRate * Float(Foundation.pow(Double(decayRate), exponent))
    }
}

/// Cosine decay from `initial` to `initial * alpha` over `decaySteps`, optionally after a linear
/// warm-up from 0 to `initial` over `warmupSteps` (the decay then starts after the warm-up).
public struct CosineDecay: LearningRateSchedule {
    public let initialLearningRate: Float, decaySteps: Int, alpha: Float, warmupSteps: Int

    public init(initialLearningRate: Float, decaySteps: Int, alpha: Float = 0, warmupSteps: Int = 0) {
        check(decaySteps > 0 && warmupSteps >= 0, "CosineDecay: decaySteps > 0 and warmupSteps >= 0")
        (self.initialLearningRate, self.decaySteps, self.alpha, self.warmupSteps) =
            (initialLearningRate, decaySteps, alpha, warmupSteps)
    }

    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps { return initialLearningRate * Float(step + 1) / Float(warmupSteps) }
        let progress = Double(Swift.min(step - warmupSteps, decaySteps)) / Double(decaySteps)
        let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
        return initialLearningRate * Float((1 - Double(alpha)) * cosine + Double(alpha))
    }
}

/// `values[i]` while `step < boundaries[i]`, `values.last` after the last boundary.
public struct PiecewiseConstant: LearningRateSchedule {
    public let boundaries: [Int], values: [Float]

    public init(boundaries: [Int], values: [Float]) {
        check(values.count == boundaries.count + 1, "PiecewiseConstant: needs one more value than boundaries")
        check(
            zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 },
            "PiecewiseConstant: boundaries must increase")
        (self.boundaries, self.values) = (boundaries, values)
    }

    public func learningRate(at step: Int) -> Float {
        values[boundaries.firstIndex { step < $0 } ?? boundaries.count]
    }
}

/// A linear warm-up from `initial / warmupSteps` to `schedule`'s rate at step `warmupSteps`,
/// then `schedule` (counted from the start of training).
public struct LinearWarmup: LearningRateSchedule {
    public let warmupSteps: Int
    public let schedule: any LearningRateSchedule

    public init(warmupSteps: Int, then schedule: any LearningRateSchedule) {
        check(warmupSteps > 0, "LinearWarmup: warmupSteps must be positive")
        self.warmupSteps = warmupSteps
        self.schedule = schedule
    }

    public func learningRate(at step: Int) -> Float {
        step < warmupSteps
            ? schedule.learningRate(at: warmupSteps) * Float(step + 1) / Float(warmupSteps)
            : schedule.learningRate(at: step)
    }
}
