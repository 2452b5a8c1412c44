import Cortex
import CortexDistributed
import Foundation

/// Programs that fail on purpose, one per run, the way user programs fail. `run.sh` starts each
/// under mpirun and checks the exit status, the time to the end and the message.
enum FailureScenario: String, CaseIterable {
    /// The last rank throws (a missing file) at step 3 of a data-parallel loop; the ranks agree,
    /// every rank throws, the program prints the error on rank 0 and exits 1.
    case throwAtStep = "throw-at-step-3"
    /// The last rank throws a Swift error that nothing catches, before a collective the others
    /// are already waiting in: the process traps, the launcher ends the job.
    case uncaught
    /// The last rank kills itself (SIGKILL) at step 3, mid-training.
    case dieAtStep = "die-at-step-3"
    /// The last rank calls exit(3) at step 3 while the others wait in an allreduce: the exit
    /// handler aborts the job.
    case exitAtStep = "exit-at-step-3"
    /// The last rank skips a collective and sleeps: the others' watchdog (CORTEX_MPI_TIMEOUT)
    /// aborts the job.
    case diverge

    func run(_ comm: MPICommunicator) throws {
        let failing = comm.size - 1
        let (x, y) = syntheticData(rows: 512)
        let model = try smallModel(seed: 9)
        let reducer = try GradientReducer(parameters: model.trainableParameters, communicator: comm)
        let optimizer = Adam(learningRate: 0.01)
        switch self {
        case .throwAtStep:
            try trainDistributed(
                model, optimizer: optimizer, reducer: reducer, x: x, y: y, globalBatch: 64, steps: 10
            ) { step in
                if step == 3 && comm.rank == failing {
                    throw CortexError(.invalidFile, "Data/shard-\(failing).npy: no such file on \(comm.hostName)")
                }
            }
        case .uncaught:
            if comm.rank == failing { try uncaughtFailure() }
            try trainDistributed(model, optimizer: optimizer, reducer: reducer, x: x, y: y, globalBatch: 64, steps: 10)
        case .dieAtStep:
            try trainDistributed(
                model, optimizer: optimizer, reducer: reducer, x: x, y: y, globalBatch: 64, steps: 10
            ) { step in
                if step == 3 && comm.rank == failing { raise(SIGKILL) }
            }
        case .exitAtStep:
            try trainDistributed(
                model, optimizer: optimizer, reducer: reducer, x: x, y: y, globalBatch: 64, steps: 10
            ) { step in
                if step == 3 && comm.rank == failing { exit(3) }
            }
        case .diverge:
            if comm.rank == failing {
                log("[rank \(comm.rank)] skipping the training loop and sleeping")
                sleep(120)
            }
            try trainDistributed(model, optimizer: optimizer, reducer: reducer, x: x, y: y, globalBatch: 64, steps: 10)
        }
        log("[rank \(comm.rank)] scenario \(rawValue) finished without failing")
    }
}

/// Throws the error that `main.swift` lets escape for the `uncaught` scenario.
func uncaughtFailure() throws {
    throw CortexError(.invalidFile, "labels.npy: no such file (uncaught on purpose)")
}
