// The checks of CortexDistributed, run under mpirun by `make test-distributed` (see run.sh):
//
//   mpirun --oversubscribe --allow-run-as-root -np 2 CortexDistributedChecks          # all checks
//   mpirun --oversubscribe --allow-run-as-root -np 2 CortexDistributedChecks <scenario>
//
// Checks print PASS/FAIL lines on rank 0 and exit 0 only when every check passed on every
// rank. Scenarios (FailureScenarios.swift) fail on purpose; run.sh asserts how the job ends.
import Cortex
import CortexDistributed
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let comm = try MPICommunicator()

if let name = arguments.first {
    guard let scenario = FailureScenario(rawValue: name) else {
        let names = FailureScenario.allCases.map(\.rawValue).joined(separator: ", ")
        comm.abort("unknown scenario \(name); expected one of: \(names)")
    }
    if scenario == .uncaught {
        // Let the error escape to the top level, as a script's `try` would.
        try scenario.run(comm)
    } else {
        do {
            try scenario.run(comm)
        } catch {
            log("[rank \(comm.rank)] error: \(error)")
            exit(1)
        }
    }
    exit(0)
}

let checker = Checker(comm: comm)
if comm.isRoot { log("CortexDistributed checks on \(comm.size) process\(comm.size == 1 ? "" : "es")") }
try runCollectiveChecks(checker)
try runModelChecks(checker)
if comm.isRoot {
    log(
        checker.failedChecks.isEmpty
            ? "ALL PASSED"
            : "\(checker.failedChecks.count) FAILED: \(checker.failedChecks.joined(separator: "; "))")
}
exit(checker.failedChecks.isEmpty ? 0 : 1)
