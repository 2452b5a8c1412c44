import CMPI
import Cortex
import Dispatch
import Foundation
import Synchronization

/// An MPI handle (communicator, datatype, operation): a pointer to a library object that MPI
/// itself synchronizes; Cortex only passes it to MPI calls made under ``MPIRuntime/callLock``.
struct MPIHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

/// What a collective is doing, for the watchdog's message.
struct InFlightCall: Sendable {
    let operation: String
    let deadline: UInt64
    let timeoutSeconds: Double
}

/// Process-wide MPI state: MPI is initialized once per process, its calls are serialized, a
/// watchdog bounds how long any call may block, and the process's exit finalizes or aborts.
///
/// Exit policy (see `docs/distributed.md`):
/// - exit status 0: `MPI_Finalize` (every rank must get there; the watchdog bounds the wait);
/// - any other status on a job of several processes: `MPI_Abort` with that status, so the other
///   ranks are ended by the launcher instead of waiting in a collective for this one;
/// - a crash or an uncaught Swift error (a trap) runs no exit handler; the launcher sees the
///   signal and ends the job.
enum MPIRuntime {
    struct State: Sendable {
        var world: MPIHandle?
        var rank = 0
        var size = 1
        var localRank = 0
        var localSize = 1
        var hostName = ""
        var finalized = false
        var watchdogStarted = false
        /// Whether the last agreement (``MPICommunicator/agree(error:)``) found a failure, which
        /// every rank then knows: only changes the exit message.
        var failureAgreed = false
    }

    /// Initialization state, guarded separately from MPI calls.
    static let state = Mutex(State())
    /// Held for the duration of every MPI call: Cortex asks for `MPI_THREAD_SERIALIZED`.
    static let callLock = Mutex(())
    /// The blocking call in progress, if any, for the watchdog.
    static let inFlight = Mutex<InFlightCall?>(nil)
    /// Exit status of a job whose ranks the watchdog ended.
    static let watchdogExitCode: Int32 = 70

    /// Initializes MPI once per process and returns Cortex's own communicator (a duplicate of
    /// `MPI_COMM_WORLD`, so Cortex's messages never match a user's), its rank, size and host.
    static func start() throws -> State {
        let current = state.withLock { $0 }
        if current.world != nil {
            if current.finalized { throw CortexError(.distributed, "MPI was already finalized in this process") }
            return current
        }
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        var provided: Int32 = 0
        if initialized == 0 {
            // MPI_THREAD_SERIALIZED: Swift code may run on any thread (an async main hops between
            // them), so FUNNELED's "only the main thread" cannot be promised; calls never overlap
            // because every call holds `callLock`. Open MPI enables its internal locking only for
            // MPI_THREAD_MULTIPLE, so this costs nothing over FUNNELED.
            let code = MPI_Init_thread(nil, nil, Int32(cortex_mpi_thread_serialized), &provided)
            guard code == cortex_mpi_success else {
                throw CortexError(.distributed, "MPI_Init_thread failed: \(errorString(code))")
            }
            cortex_on_exit(processWillExit)
        } else {
            // The program initialized MPI itself; it also finalizes it.
            MPI_Query_thread(&provided)
        }
        guard provided >= cortex_mpi_thread_funneled else {
            throw CortexError(
                .distributed,
                "MPI provides thread level \(provided), Cortex needs at least MPI_THREAD_FUNNELED (\(cortex_mpi_thread_funneled))"
            )
        }
        let world = cortex_mpi_comm_world()
        try check(MPI_Comm_set_errhandler(world, cortex_mpi_errors_return()), "MPI_Comm_set_errhandler")
        var duplicate: MPI_Comm? = nil
        try check(MPI_Comm_dup(world, &duplicate), "MPI_Comm_dup")
        guard let duplicate else { throw CortexError(.distributed, "MPI_Comm_dup returned no communicator") }
        try check(MPI_Comm_set_errhandler(duplicate, cortex_mpi_errors_return()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0
        var size: Int32 = 0
        try check(MPI_Comm_rank(duplicate, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(duplicate, &size), "MPI_Comm_size")
        // The ranks sharing this host's memory, for thread counts and per-host work.
        var local: MPI_Comm? = nil
        try check(
            MPI_Comm_split_type(duplicate, Int32(cortex_mpi_comm_type_shared), rank, cortex_mpi_info_null(), &local),
            "MPI_Comm_split_type")
        var localRank: Int32 = 0
        var localSize: Int32 = 1
        if local != nil {
            try check(MPI_Comm_rank(local, &localRank), "MPI_Comm_rank")
            try check(MPI_Comm_size(local, &localSize), "MPI_Comm_size")
            MPI_Comm_free(&local)
        }
        var name = [CChar](repeating: 0, count: Int(cortex_mpi_max_processor_name) + 1)
        var length: Int32 = 0
        if MPI_Get_processor_name(&name, &length) != cortex_mpi_success { length = 0 }
        let host = String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)

        let started = State(
            world: MPIHandle(raw: duplicate), rank: Int(rank), size: Int(size), localRank: Int(localRank),
            localSize: Int(localSize), hostName: host)
        state.withLock { $0 = started }
        // Ranks on one host share its cores: without this each would start a thread per core.
        if localSize > 1 && ProcessInfo.processInfo.environment["CORTEX_NUM_THREADS"] == nil {
            Cortex.threadCount = max(1, ProcessInfo.processInfo.activeProcessorCount / Int(localSize))
        }
        return started
    }

    /// Throws a ``CortexError`` naming `call` when `code` is not `MPI_SUCCESS`.
    static func check(_ code: Int32, _ call: String) throws {
        guard code != cortex_mpi_success else { return }
        throw CortexError(.distributed, "\(call) failed: \(errorString(code))")
    }

    /// MPI's description of an error code.
    static func errorString(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(cortex_mpi_max_error_string) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &buffer, &length) == cortex_mpi_success else { return "MPI error \(code)" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            + " (MPI error \(code))"
    }

    /// Runs one blocking MPI call under the call lock, watched for `timeout` seconds.
    static func call(_ operation: String, timeout: Double?, _ body: () -> Int32) -> Int32 {
        callLock.withLock { _ in
            if let timeout {
                let now = DispatchTime.now().uptimeNanoseconds
                let deadline = now &+ UInt64(timeout * 1e9)
                inFlight.withLock {
                    $0 = InFlightCall(operation: operation, deadline: deadline, timeoutSeconds: timeout)
                }
            }
            defer { if timeout != nil { inFlight.withLock { $0 = nil } } }
            return body()
        }
    }

    // MARK: - Watchdog

    /// Starts the thread that aborts the job when a call blocks past its deadline. MPI has no
    /// timeouts of its own: a rank waiting in a collective for a rank that never comes (it
    /// diverged, caught an error and went on, or hangs) would wait forever.
    static func startWatchdog() {
        let start = state.withLock { state -> Bool in
            defer { state.watchdogStarted = true }
            return !state.watchdogStarted
        }
        guard start else { return }
        let thread = Thread {
            while true {
                usleep(100_000)
                let call = inFlight.withLock { $0 }
                guard let call, DispatchTime.now().uptimeNanoseconds > call.deadline else { continue }
                let s = state.withLock { $0 }
                let seconds =
                    call.timeoutSeconds.rounded() == call.timeoutSeconds
                    ? String(Int(call.timeoutSeconds)) : String(call.timeoutSeconds)
                writeToStandardError(
                    "cortex: rank \(s.rank) of \(s.size) (\(s.hostName)) waited more than \(seconds) s in "
                        + "\(call.operation): another rank has not joined (it failed, took another path, or "
                        + "hangs). Aborting the job (CORTEX_MPI_TIMEOUT sets the limit).\n")
                // MPI_Abort from this thread while the caller's thread is blocked in MPI: Open MPI
                // delivers it through its runtime (measured: the job ends within a second).
                MPI_Abort(cortex_mpi_comm_world(), watchdogExitCode)
                _exit(watchdogExitCode)
            }
        }
        thread.name = "cortex-mpi-watchdog"
        thread.start()
    }

    // MARK: - Exit

    /// Finalizes MPI on a successful exit, aborts the job on a failing one (see the type's notes).
    private static let processWillExit: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { status, _ in
        let s = state.withLock { $0 }
        guard let world = s.world, !s.finalized else { return }
        state.withLock { $0.finalized = true }
        if status == 0 || s.size == 1 {
            _ = call("MPI_Finalize (waiting for every rank to finish)", timeout: defaultTimeout()) {
                _ = world
                return MPI_Finalize()
            }
        } else {
            writeToStandardError(
                "cortex: rank \(s.rank) of \(s.size) (\(s.hostName)) exits with status \(status)"
                    + (s.failureAgreed
                        ? " after a failure every rank learned of; ending the job.\n"
                        : "; aborting the other ranks.\n"))
            MPI_Abort(cortex_mpi_comm_world(), status)
        }
    }

    /// The watchdog limit from `CORTEX_MPI_TIMEOUT` (seconds; 0 turns it off), else 30 minutes.
    static func defaultTimeout() -> Double? {
        if let text = ProcessInfo.processInfo.environment["CORTEX_MPI_TIMEOUT"], let seconds = Double(text) {
            return seconds > 0 ? seconds : nil
        }
        return 1800
    }

    /// Writes straight to file descriptor 2: safe from the watchdog thread and exit handlers.
    static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
