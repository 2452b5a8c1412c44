import Foundation

/// One `fit` run: epochs of steps from a `BatchSource`, gradients from a `GradientStep`, the
/// optimizer's update, running metrics, validation, callbacks, progress and `History`, and,
/// when several processes train together, the `TrainingCoordinator` at the points where they
/// must agree. Everything a particular kind of training needs (streamed data, private
/// gradients, several processes) plugs in there, not here.
struct TrainingLoop {
    let model: Module
    let configuration: TrainingConfiguration
    let source: any BatchSource
    var gradientStep: any GradientStep
    let validation: (any BatchSource)?
    let coordinator: (any TrainingCoordinator)?
    let epochs: Int
    let initialEpoch: Int
    let verbose: Verbosity
    let callbacks: [Callback]

    private var shard: Shard { coordinator.map { Shard(index: $0.rank, count: $0.processCount) } ?? .whole }
    private var isPrimary: Bool { coordinator?.isPrimary ?? true }

    mutating func run() throws -> History {
        let previousMode = model.isTraining
        defer {
            model.isTraining = previousMode
            model.trainingCoordinator = nil
        }
        model.stopTraining = false
        model.trainingCoordinator = coordinator
        let parameters = model.trainableParameters
        try coordinator?.synchronize(model: model, optimizer: configuration.optimizer)
        let printer: Verbosity =
            !isPrimary ? .silent : verbose == .progressBar && isatty(STDOUT_FILENO) == 0 ? .epochLines : verbose
        var history = History()
        try agreeing { callbacks.forEach { $0.trainingWillBegin(model: model) } }
        for epoch in initialEpoch..<epochs {
            try agreeing { callbacks.forEach { $0.epochWillBegin(epoch, model: model) } }
            model.isTraining = true
            var shuffling = try shufflingGenerator()
            let steps = try source.epoch(epoch, shard: shard, using: &shuffling)
            var progress = ProgressBar(total: source.stepsPerEpoch ?? 0, live: printer == .progressBar)
            if printer != .silent { print(ProgressBar.epochHeader(epoch, of: epochs)) }
            var totals = RunningMetrics(configuration)
            var index = 0
            while let step = steps.next() {
                try agreeing { callbacks.forEach { $0.batchWillBegin(index, model: model) } }
                var failure: (any Error)?
                var outcome: StepOutcome?
                do {
                    if step.local.count > 0 {
                        outcome = try gradientStep.computeGradients(
                            of: model, on: step, configuration: configuration, parameters: parameters)
                    }
                } catch {
                    failure = error
                }
                if let coordinator {
                    try coordinator.reduceGradients(parameters, error: failure)
                } else if let failure {
                    throw failure
                }
                configuration.optimizer.step(parameters)
                if let outcome { totals.add(outcome, batch: step.local) }
                let logs = totals.logs
                progress.update(done: index + 1, logs: logs)
                try agreeing {
                    callbacks.forEach {
                        $0.batchDidEnd(index, logs: Dictionary(uniqueKeysWithValues: logs), model: model)
                    }
                }
                index += 1
                if try stopRequested() { break }
            }
            model.isTraining = false
            var logs = try epochLogs(totals)
            logs += gradientStep.epochDidEnd(epoch: epoch, steps: index)
            if let validation {
                logs += try evaluate(validation, epoch: epoch).map { ("val_" + $0.0, $0.1) }
            }
            if printer != .silent { progress.finish(logs: logs) }
            let dictionary = Dictionary(logs, uniquingKeysWith: { $1 })
            history.record(epoch: epoch, logs: dictionary)
            try agreeing { callbacks.forEach { $0.epochDidEnd(epoch, logs: dictionary, model: model) } }
            if try stopRequested() { break }
        }
        try agreeing { callbacks.forEach { $0.trainingDidEnd(model: model) } }
        return history
    }

    /// The epoch's shuffling generator: the model's own (so that a checkpoint resumes exactly),
    /// or, with several processes, one seeded from rank 0's so that all shuffle alike.
    private func shufflingGenerator() throws -> RandomGenerator {
        guard let coordinator else { return model.randomness.generator }
        return RandomGenerator(seed: try coordinator.agreedSeed(model.randomness.generator.next()))
    }

    /// The epoch's loss and metrics over all processes.
    private func epochLogs(_ totals: RunningMetrics) throws -> [(String, Float)] {
        guard let coordinator else { return totals.logs }
        var values = totals.totals
        try coordinator.sum(&values)
        var summed = totals
        summed.setTotals(values)
        return summed.logs
    }

    /// Loss and metrics on `source` in inference mode (each process its share).
    private func evaluate(_ source: any BatchSource, epoch: Int) throws -> [(String, Float)] {
        var totals = RunningMetrics(configuration)
        var unused = RandomGenerator(seed: 0)
        var failure: (any Error)?
        do {
            let batches = try source.epoch(epoch, shard: shard, using: &unused)
            try withoutGradients {
                while let step = batches.next() {
                    guard step.local.count > 0 else { continue }
                    let losses = try BatchLosses(model: model, batch: step.local, configuration: configuration)
                    totals.add(
                        losses.outcome(configuration, examples: step.local.count, penalty: 0), batch: step.local)
                }
            }
        } catch {
            failure = error
        }
        try coordinator?.agree(error: failure)
        if let failure { throw failure }
        return try epochLogs(totals)
    }

    /// Runs `body` (callbacks), then makes its failure every process's.
    private func agreeing(_ body: () throws -> Void) throws {
        guard let coordinator else { return try body() }
        var failure: (any Error)?
        do { try body() } catch { failure = error }
        try coordinator.agree(error: failure)
    }

    /// Whether a callback asked to stop, on any process (then on all).
    private func stopRequested() throws -> Bool {
        guard let coordinator, !callbacks.isEmpty else { return model.stopTraining }
        var flag = [model.stopTraining ? 1.0 : 0]
        try coordinator.sum(&flag)
        model.stopTraining = flag[0] > 0
        return model.stopTraining
    }
}
