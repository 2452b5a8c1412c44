import Foundation

/// Multiplies the optimizer's learning rate by `factor` when `monitor` has not improved by more
/// than `minDelta` for `patience` epochs, then waits `cooldown` epochs; never below `minimum`.
/// (With a ``LearningRateSchedule`` set, the schedule owns the rate and this callback does nothing.)
public final class ReduceLROnPlateau: Callback {
    public let monitor: String
    public let factor: Float
    public let patience: Int
    public let minDelta: Float
    public let cooldown: Int
    public let minimum: Float
    private let lowerIsBetter: Bool
    private var best: Float = .nan
    private var wait = 0
    private var cooling = 0

    public init(
        monitor: String = "val_loss", factor: Float = 0.1, patience: Int = 10, minDelta: Float = 1e-4,
        cooldown: Int = 0, minimum: Float = 0, mode: EarlyStopping.Mode = .auto
    ) {
        check(factor > 0 && factor < 1, "ReduceLROnPlateau: factor must be in (0, 1)")
        (self.monitor, self.factor, self.patience, self.minDelta, self.cooldown, self.minimum) =
            (monitor, factor, patience, Swift.abs(minDelta), cooldown, minimum)
        lowerIsBetter = mode.lowerIsBetter(for: monitor)
    }

    public func trainingWillBegin(model: Module) {
        best = .nan
        wait = 0
        cooling = 0
    }

    public func epochDidEnd(_ epoch: Int, logs: [String: Float], model: Module) {
        guard let optimizer = model.optimizer, optimizer.schedule == nil, let value = logs[monitor] else { return }
        if cooling > 0 { cooling -= 1 }
        if best.isNaN || (lowerIsBetter ? value < best - minDelta : value > best + minDelta) {
            best = value
            wait = 0
            return
        }
        guard cooling == 0 else { return }
        wait += 1
        if wait >= patience {
            optimizer.learningRate = Swift.max(optimizer.learningRate * factor, minimum)
            cooling = cooldown
            wait = 0
        }
    }
}
