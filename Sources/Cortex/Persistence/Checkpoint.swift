import Foundation

extension Module {
    /// Saves everything needed to resume training exactly: the weights, the optimizer's state
    /// (its moments and step count), the number of completed epochs and the model's random
    /// generator (which drives shuffling and Dropout). One safetensors file, written atomically:
    /// tensors `model/<name>` and `optimizer/<name>/<slot>`, the rest in its metadata (with the
    /// optimizer's kind, slots per parameter, how many parameters have state, and the
    /// hyperparameters that shape that state, so that loading can check all of them).
    ///
    /// - Parameters:
    ///   - url: the destination.
    ///   - epoch: the number of completed epochs, returned by ``loadCheckpoint(from:)``.
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
            metadata["optimizer_slots"] = String(optimizer.stateCount)
            metadata["optimizer_hyperparameters"] = Self.describe(Self.statefulHyperparameters(of: optimizer))
            var withState = 0
            for (key, parameter) in named {
                guard let state = optimizer.state(for: parameter) else { continue }
                withState += 1
                for (slot, tensor) in state.enumerated() { tensors.append(("optimizer/\(key)/\(slot)", tensor)) }
            }
            metadata["optimizer_states"] = String(withState)
        }
        try AtomicFile.write(SafeTensors.encode(tensors, metadata: metadata), to: url)
    }

    /// Restores a checkpoint written by ``saveCheckpoint(to:epoch:)`` and returns its epoch
    /// count, to pass to `fit(initialEpoch:)`.
    ///
    /// Loading is all or nothing, and exact: the file is read under ``ReadLimits`` and checked
    /// completely before anything changes, and on any problem a ``CortexError`` says what, and
    /// the model, its optimizer and its generator are left as they were. The file must hold
    /// every weight with its shape and nothing else; a checkpoint with optimizer state needs a
    /// model compiled with the same kind of optimizer, the same number of state slots per
    /// parameter, and the same hyperparameters that shape the state (SGD's and RMSprop's
    /// momentum, Adam's betas, RMSprop's rho), and must hold every slot it declares with its
    /// parameter's shape. A checkpoint without optimizer state loads only into a model not yet
    /// compiled. An all-zero random state is refused as corrupt.
    @discardableResult
    public func loadCheckpoint(from url: URL) throws -> Int {
        let source = url.path
        let (tensors, metadata) = try SafeTensors.read(url)
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(source): \(message)") }
        guard metadata["format"] == "cortex-checkpoint" else {
            throw fail("is not a Cortex checkpoint (no format metadata)")
        }
        guard let epoch = metadata["epoch"].flatMap(Int.init), epoch >= 0 else { throw fail("has no valid epoch") }
        let words = (metadata["random_state"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
            .map { UInt64($0) }
        guard words.count == 4, let s0 = words[0], let s1 = words[1], let s2 = words[2], let s3 = words[3] else {
            throw fail("has no valid random_state")
        }
        guard !RandomGenerator.isDegenerate((s0, s1, s2, s3)) else {
            throw fail("has an all-zero random_state, which no generator can run from (corrupt)")
        }
        if let stray = tensors.first(where: { !$0.0.hasPrefix("model/") && !$0.0.hasPrefix("optimizer/") }) {
            throw fail("holds \(stray.0), neither a model/ nor an optimizer/ tensor")
        }
        let weights = try matchParameters(tensors, prefix: "model/", source: source)
        let optimizerTensors = tensors.filter { $0.0.hasPrefix("optimizer/") }
        var optimizerStates: [ObjectIdentifier: [Tensor]] = [:]
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
            guard let slots = metadata["optimizer_slots"].flatMap(Int.init),
                let withState = metadata["optimizer_states"].flatMap(Int.init),
                let described = metadata["optimizer_hyperparameters"]
            else {
                throw fail(
                    "lacks optimizer_slots, optimizer_states or optimizer_hyperparameters (written by an earlier Cortex?)"
                )
            }
            try Self.compareHyperparameters(
                described, Self.statefulHyperparameters(of: optimizer), kind: kind, fail: fail)
            guard slots == optimizer.stateCount else {
                throw fail(
                    "keeps \(slots) \(kind) state slots per parameter, the model's \(kind) keeps \(optimizer.stateCount)"
                )
            }
            let byName = Dictionary(optimizerTensors.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            var used = 0
            for (key, parameter) in namedParameters {
                let found = (0..<slots).compactMap { byName["optimizer/\(key)/\($0)"] }
                guard found.isEmpty || found.count == slots else {
                    throw fail("has \(found.count) of \(slots) optimizer slots for \(key)")
                }
                for slot in found where slot.shape != parameter.shape {
                    throw fail("optimizer state for \(key) has shape \(slot.shape), expected \(parameter.shape)")
                }
                if !found.isEmpty && slots > 0 { optimizerStates[ObjectIdentifier(parameter)] = found }
                used += found.count
            }
            guard used == optimizerTensors.count else {
                let expected = Set(namedParameters.flatMap { key, _ in (0..<slots).map { "optimizer/\(key)/\($0)" } })
                let stray = optimizerTensors.map(\.0).filter { !expected.contains($0) }.sorted()
                throw fail(
                    "holds optimizer tensors the model has no slot for: \(stray.prefix(5).joined(separator: ", "))")
            }
            guard slots == 0 || optimizerStates.count == withState else {
                throw fail(
                    "declares \(kind) state for \(withState) parameters but holds it for \(optimizerStates.count)")
            }
            iterations = count
            learningRate = rate
        } else {
            guard optimizerTensors.isEmpty else { throw fail("holds optimizer tensors but no optimizer metadata") }
            if let optimizer {
                throw fail(
                    "holds no optimizer state but the model is compiled with \(type(of: optimizer)): load it before compiling"
                )
            }
        }
        // Everything is checked: from here on nothing can fail.
        for (parameter, value) in weights { parameter.value = value }
        if let optimizer {
            optimizer.states = optimizerStates
            optimizer.iterations = iterations
            optimizer.learningRate = learningRate  // as ReduceLROnPlateau may have left it
        }
        randomness.generator.state = (s0, s1, s2, s3)
        return epoch
    }

    /// The hyperparameters that shape an optimizer's state, which a checkpoint must match.
    private static func statefulHyperparameters(of optimizer: Optimizer) -> [(String, Float)] {
        switch optimizer {
        case let sgd as SGD: [("momentum", sgd.momentum)]
        case let adam as Adam: [("beta1", adam.beta1), ("beta2", adam.beta2)]
        case let rms as RMSprop: [("rho", rms.rho), ("momentum", rms.momentum)]
        default: []
        }
    }

    private static func describe(_ values: [(String, Float)]) -> String {
        values.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }

    private static func compareHyperparameters(
        _ described: String, _ current: [(String, Float)], kind: String, fail: (String) -> CortexError
    ) throws {
        var stored: [String: Float] = [:]
        for pair in described.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Float(parts[1]) else {
                throw fail("has a malformed optimizer_hyperparameters entry \"\(pair)\"")
            }
            stored[String(parts[0])] = value
        }
        guard Set(stored.keys) == Set(current.map(\.0)) else {
            throw fail("records \(kind) hyperparameters \(stored.keys.sorted()), expected \(current.map(\.0))")
        }
        for (name, value) in current where stored[name]!.bitPattern != value.bitPattern {
            throw fail("was saved with \(kind) \(name) \(stored[name]!), but the model's \(kind) has \(name) \(value)")
        }
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
