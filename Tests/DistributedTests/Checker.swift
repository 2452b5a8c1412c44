import Cortex
import CortexDistributed
import Foundation

/// Runs named checks on every rank and reports them once: rank 0 prints `PASS name` when every
/// rank passed and `FAIL name (ranks ...)` otherwise; a failing rank prints its own details.
final class Checker {
    let comm: MPICommunicator
    private(set) var failedChecks: [String] = []
    private var localProblems: [String] = []

    init(comm: MPICommunicator) { self.comm = comm }

    /// Records a problem on this rank for the current check unless `condition` holds.
    func expect(_ condition: Bool, _ detail: @autoclosure () -> String) {
        if !condition { localProblems.append(detail()) }
    }

    /// Runs one check: an error escaping `body` is a failure. Collective: every rank runs the
    /// same checks in the same order, and they agree on the outcome.
    func check(_ name: String, _ body: () throws -> Void) throws {
        localProblems = []
        do { try body() } catch { localProblems.append("unexpected error: \(error)") }
        for problem in localProblems { log("FAIL [rank \(comm.rank)] \(name): \(problem)") }
        var flags = [Int](repeating: 0, count: comm.size)
        flags[comm.rank] = localProblems.isEmpty ? 0 : 1
        try comm.allreduce(&flags, .sum)
        let failing = flags.indices.filter { flags[$0] != 0 }
        if failing.isEmpty {
            if comm.isRoot { log("PASS \(name)") }
        } else {
            failedChecks.append(name)
            if comm.isRoot { log("FAIL \(name) (ranks \(failing.map(String.init).joined(separator: ", ")))") }
        }
    }

    /// Expects `body` to throw a ``CortexError`` whose message contains every one of `fragments`.
    func expectError(_ what: String, containing fragments: [String], _ body: () throws -> Void) {
        do {
            try body()
            localProblems.append("\(what): expected an error, none was thrown")
        } catch let error as CortexError {
            for fragment in fragments where !error.message.contains(fragment) {
                localProblems.append("\(what): error \"\(error.message)\" does not mention \"\(fragment)\"")
            }
        } catch {
            localProblems.append("\(what): expected a CortexError, got \(error)")
        }
    }
}

/// Prints a line at once (stdout is a pipe under mpirun, so it would otherwise be buffered).
func log(_ line: String) {
    print(line)
    fflush(nil)
}
