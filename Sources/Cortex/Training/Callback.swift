import Foundation

/// Hooks into ``Module/fit``. Every method has an empty default.
///
/// `logs` holds the running averages of the loss and metrics (batch end) or the epoch's
/// values, including validation ones (epoch end). Set `model.stopTraining = true` to stop after
/// the current epoch.
public protocol Callback: AnyObject {
    func trainingWillBegin(model: Module)
    func epochWillBegin(_ epoch: Int, model: Module)
    func batchWillBegin(_ batch: Int, model: Module)
    func batchDidEnd(_ batch: Int, logs: [String: Float], model: Module)
    func epochDidEnd(_ epoch: Int, logs: [String: Float], model: Module)
    func trainingDidEnd(model: Module)
}

extension Callback {
    public func trainingWillBegin(model: Module) {}
    public func epochWillBegin(_ epoch: Int, model: Module) {}
    public func batchWillBegin(_ batch: Int, model: Module) {}
    public func batchDidEnd(_ batch: Int, logs: [String: Float], model: Module) {}
    public func epochDidEnd(_ epoch: Int, logs: [String: Float], model: Module) {}
    public func trainingDidEnd(model: Module) {}
}

/// Stops training when a monitored quantity has stopped improving for `patience` epochs.
public final class EarlyStopping: Callback {
    public enum Mode: Sendable { case auto, min, max }

    public let monitor: String
    public let minDelta: Float
    public let patience: Int
    public let restoreBestWeights: Bool
    private let lowerIsBetter: Bool
    private var best: Float = .nan
    private var wait = 0
    private var bestWeights: [Tensor]?
    /// The epoch at which training was stopped, if it was.
    public private(set) var stoppedEpoch: Int?

    /// `mode: .auto` treats names containing `acc` as higher-is-better, others as lower-is-better.
    public init(
        monitor: String = "val_loss", minDelta: Float = 0, patience: Int = 0, mode: Mode = .auto,
        restoreBestWeights: Bool = false
    ) {
        self.monitor = monitor
        self.minDelta = Swift.abs(minDelta)
        self.patience = patience
        self.restoreBestWeights = restoreBestWeights
        lowerIsBetter = mode.lowerIsBetter(for: monitor)
    }

    public func trainingWillBegin(model: Module) {
        best = .nan
        wait = 0
        bestWeights = nil
        stoppedEpoch = nil
    }

    public func epochDidEnd(_ epoch: Int, logs: [String: Float], model: Module) {
        guard let value = logs[monitor] else {
            FileHandle.standardError.write(Data("EarlyStopping: \(monitor) is not among \(logs.keys.sorted())\n".utf8))
            return
        }
        let improved = best.isNaN || (lowerIsBetter ? value < best - minDelta : value > best + minDelta)
        if improved {
            best = value
            wait = 0
            if restoreBestWeights { bestWeights = model.parameters.map(\.value) }
            return
        }
        wait += 1
        if wait >= Swift.max(patience, 1) {
            stoppedEpoch = epoch
            model.stopTraining = true
            if restoreBestWeights, let bestWeights {
                for (parameter, value) in zip(model.parameters, bestWeights) { parameter.value = value }
            }
        }
    }
}

extension EarlyStopping.Mode {
    /// Whether smaller values of `monitor` are better; `.auto` takes names containing `acc` as
    /// higher-is-better, as Keras does.
    func lowerIsBetter(for monitor: String) -> Bool {
        switch self {
        case .min: true
        case .max: false
        case .auto: !monitor.contains("acc")
        }
    }
}

/// Stops training as soon as the loss becomes NaN or infinite.
public final class TerminateOnNaN: Callback {
    public init() {}
    public func batchDidEnd(_ batch: Int, logs: [String: Float], model: Module) {
        if let loss = logs["loss"], !loss.isFinite {
            print("Batch \(batch): invalid loss \(loss), terminating training")
            model.stopTraining = true
        }
    }
}
