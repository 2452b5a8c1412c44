import Foundation

extension Module {
    /// Saves everything needed to resume training exactly: the weights, the optimizer's state
    /// (its moments and step count), the number of completed epochs and the model's random
    /// generator (which drives shuffling and Dropout). One safetensors file, written atomically:
    /// tensors `model/<name>` and `optimizer/<name>/<slot>`, the rest in its metadata.
    public func saveCheckpoint(to url: URL, epoch: Int) throws {
        let named = try builtParameters(for: "checkpoint")
        var tensors = named.map { ("model/" + $0.0, $0.1.value) }
        var metadata = [
            "format": "cortex-checkpoint", "epoch": String(epoch),
            "random_state": [
                randomness.generator.state.0, randomness.generator.state.1, randomness.generator.state.2,
                randomness.generator.state.3,
            ].map(String.init).joined(separator: ","),
        ]
        if let optimizer {
            metadata["optimizer"] = String(describing: type(of: optimizer))
            metadata["optimizer_iterations"] = String(optimizer.iterations)
            metadata["optimizer_learning_rate"] = String(optimizer.learningRate)
            for (key, parameter) in named {
                for (slot, state) in (optimizer.state(for: parameter) ?? []).enumerated() {
                    tensors.append(("optimizer/\(key)/\(slot)", state))
                }
            }
        }
        try AtomicFile.write(SafeTensors.encode(tensors, metadata: metadata), to: url)
    }

    /// Restores a checkpoint written by ``saveCheckpoint(to:epoch:)`` and returns its epoch
    /// count, to pass to `fit(initialEpoch:)`. Everything is validated before anything changes;
    /// the model must be compiled with the same kind of optimizer when the checkpoint has one.
    @discardableResult
    public func loadCheckpoint(from url: URL) throws -> Int {
        let source = url.path
        let (tensors, metadata) = try SafeTensors.decode(try AtomicFile.read(url), source: source)
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(source): \(message)") }
        guard metadata["format"] == "cortex-checkpoint" else {
            throw fail("is not a Cortex checkpoint (no format metadata)")
        }
        guard let epoch = metadata["epoch"].flatMap(Int.init), epoch >= 0 else { throw fail("has no valid epoch") }
        let words = (metadata["random_state"] ?? "").split(separator: ",").compactMap { UInt64($0) }
        guard words.count == 4 else { throw fail("has no valid random_state") }
        let weights = try matchParameters(tensors, prefix: "model/", source: source)
        var optimizerStates: [(Parameter, [Tensor])] = []
        var iterations = 0
        var learningRate: Float = 0
        if let kind = metadata["optimizer"] {
            guard let optimizer else { throw fail("holds \(kind) state: compile the model with a \(kind) first") }
            guard String(describing: type(of: optimizer)) == kind else {
                throw fail("holds \(kind) state but the model is compiled with \(type(of: optimizer))")
            }
            guard let count = metadata["optimizer_iterations"].flatMap(Int.init), count >= 0 else {
                throw fail("has no valid optimizer_iterations")
            }
            guard let rate = metadata["optimizer_learning_rate"].flatMap(Float.init), rate.isFinite, rate >= 0 else {
                throw fail("has no valid optimizer_learning_rate")
            }
            iterations = count
            learningRate = rate
            let byName = Dictionary(tensors.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            for (key, parameter) in namedParameters {
                let slots = (0..<optimizer.stateCount).compactMap { byName["optimizer/\(key)/\($0)"] }
                guard slots.isEmpty || slots.count == optimizer.stateCount else {
                    throw fail("has \(slots.count) of \(optimizer.stateCount) optimizer slots for \(key)")
                }
                for slot in slots where slot.shape != parameter.shape {
                    throw fail("optimizer state for \(key) has shape \(slot.shape), expected \(parameter.shape)")
                }
                if !slots.isEmpty { optimizerStates.append((parameter, slots)) }
            }
        }
        for (parameter, value) in weights { parameter.value = value }
        if let optimizer, metadata["optimizer"] != nil {
            optimizer.states = [:]
            for (parameter, slots) in optimizerStates { optimizer.states[ObjectIdentifier(parameter)] = slots }
            optimizer.iterations = iterations
            optimizer.learningRate = learningRate  // as ReduceLROnPlateau may have left it
        }
        randomness.generator.state = (words[0], words[1], words[2], words[3])
        return epoch
    }
}

/// Saves a checkpoint (or only the weights) at the end of epochs.
///
/// `url` may contain `{epoch}`, replaced by the 1-based epoch number. With `saveBestOnly`, a
/// file is written only when `monitor` improves. A failed save is reported on standard error
/// and kept in ``lastError``; training goes on, and the previous file stays intact.
public final class ModelCheckpoint: Callback {
    public let url: URL
    public let monitor: String
    public let saveBestOnly: Bool
    public let weightsOnly: Bool
    private let lowerIsBetter: Bool
    private var best: Float = .nan
    /// The most recent save failure, if any.
    public private(set) var lastError: Error?

    public init(
        url: URL, monitor: String = "val_loss", saveBestOnly: Bool = false, mode: EarlyStopping.Mode = .auto,
        weightsOnly: Bool = false
    ) {
        self.url = url
        self.monitor = monitor
        self.saveBestOnly = saveBestOnly
        self.weightsOnly = weightsOnly
        lowerIsBetter = mode.lowerIsBetter(for: monitor)
    }

    public func epochDidEnd(_ epoch: Int, logs: [String: Float], model: Module) {
        if saveBestOnly {
            guard let value = logs[monitor] else {
                FileHandle.standardError.write(
                    Data("ModelCheckpoint: \(monitor) is not among \(logs.keys.sorted())\n".utf8))
                return
            }
            guard best.isNaN || (lowerIsBetter ? value < best : value > best) else { return }
            best = value
        }
        let target = URL(fileURLWithPath: url.path.replacingOccurrences(of: "{epoch}", with: String(epoch + 1)))
        do {
            if weightsOnly {
                try model.save(to: target)
            } else {
                try model.saveCheckpoint(to: target, epoch: epoch + 1)
            }
        } catch {
            lastError = error
            FileHandle.standardError.write(Data("ModelCheckpoint: \(error)\n".utf8))
        }
    }
}
