import CMPI
import Cortex
import Foundation
import Synchronization

/// The processes of an Open MPI job, and the collective operations that data-parallel training
/// runs between them: sums over all ranks (``allreduceSum(_:)``), copies from one rank
/// (``broadcast(_:from:)``), barriers, and agreement on failures (``agree(error:)``).
///
/// ```swift
/// import CortexDistributed
/// let comm = try MPICommunicator()       // MPI_Init_thread on first use in the process
/// print("rank \(comm.rank) of \(comm.size)")
/// ```
///
/// Start the program with `mpirun -np 2 ./program` (a host file spreads ranks over machines);
/// started on its own it is a job of one process. Every collective must be called by every rank
/// in the same order with the same element counts, as in MPI.
///
/// Failures end the whole job within bounded time, never a hang:
/// - a Swift error on some ranks: call ``agree(error:)`` (or ``agree(_:)``) at points every rank
///   reaches; every rank then throws, naming the rank that failed and its message;
/// - a process that exits with a non-zero status aborts the job (`MPI_Abort`), one that crashes
///   or is killed is detected by the launcher (`mpirun`), which ends the others;
/// - a call that blocks longer than ``timeout`` (a rank took another path, or hangs) makes a
///   watchdog abort the job with a message naming the operation (exit status 70).
///
/// MPI errors are returned, not fatal (`MPI_ERRORS_RETURN`), and thrown as ``CortexError`` of
/// kind `.distributed`; after one, the communicator refuses further calls.
///
/// MPI is initialized with `MPI_THREAD_SERIALIZED`: any thread may call, one at a time (the
/// communicator serializes its calls). At a successful exit MPI is finalized; at a failing
/// exit (status other than 0) the job is aborted so that no rank waits for this one.
public final class MPICommunicator: Sendable, CustomStringConvertible {
    /// This process's index in the job, `0..<size`. Rank 0 prints and writes files.
    public let rank: Int
    /// The number of processes in the job.
    public let size: Int
    /// This process's index among the ranks on its host (`MPI_COMM_TYPE_SHARED`), `0..<localSize`.
    public let localRank: Int
    /// The number of ranks on this host.
    public let localSize: Int
    /// The host this rank runs on (`MPI_Get_processor_name`), for messages.
    public let hostName: String
    /// How long one blocking call may wait before the job is aborted, or `nil` for no limit.
    public let timeout: Duration?

    let world: MPIHandle
    let timeoutSeconds: Double?
    /// The first MPI error seen: MPI's state is undefined after one, so later calls refuse.
    private let failure = Mutex<String?>(nil)

    /// Joins the MPI job, initializing MPI once per process (`MPI_Init_thread`).
    ///
    /// Every rank must create its first communicator at the same point (it duplicates
    /// `MPI_COMM_WORLD`, a collective call); later ones share that duplicate and are local.
    ///
    /// Ranks on one host share its cores: unless `CORTEX_NUM_THREADS` is set, the first
    /// communicator sets `Cortex.threadCount` to the host's cores divided by its ranks (at
    /// least 1). Set `Cortex.threadCount` after this call to choose otherwise.
    ///
    /// - Parameter timeout: the longest any single collective may block before the watchdog
    ///   aborts the job; `nil` waits forever. The default is ``defaultTimeout``.
    /// - Throws: ``CortexError`` (`.distributed`) if MPI cannot be initialized or was finalized.
    public init(timeout: Duration? = MPICommunicator.defaultTimeout) throws {
        let started = try MPIRuntime.start()
        guard let world = started.world else { throw CortexError(.distributed, "MPI did not start") }
        if let timeout, timeout <= .zero {
            throw CortexError(.invalidArgument, "timeout must be positive or nil, got \(timeout)")
        }
        self.world = world
        self.rank = started.rank
        self.size = started.size
        self.localRank = started.localRank
        self.localSize = started.localSize
        self.hostName = started.hostName
        self.timeout = timeout
        self.timeoutSeconds = timeout.map { Double($0.components.seconds) + Double($0.components.attoseconds) * 1e-18 }
        if timeout != nil { MPIRuntime.startWatchdog() }
    }

    /// The watchdog limit used when none is given: `CORTEX_MPI_TIMEOUT` in seconds (`0` for no
    /// limit), else 30 minutes (PyTorch's default for its process groups).
    public static var defaultTimeout: Duration? {
        MPIRuntime.defaultTimeout().map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
    }

    /// Whether this is rank 0, the rank that prints progress and writes files.
    public var isRoot: Bool { rank == 0 }

    /// `rank 1 of 2 (host)`.
    public var description: String { "rank \(rank) of \(size) (\(hostName))" }

    /// Waits until every rank has called `barrier()`.
    public func barrier() throws {
        try perform("MPI_Barrier") { MPI_Barrier(world.raw) }
    }

    /// Ends the whole job now: prints `message` (with this rank) to standard error and calls
    /// `MPI_Abort`, which makes the launcher kill every rank. For failures that cannot be
    /// agreed on because the other ranks are not at an agreement point.
    ///
    /// - Parameters:
    ///   - message: what went wrong, printed as `cortex: rank r of n (host): message`.
    ///   - exitCode: the job's exit status (not 0).
    public func abort(_ message: String, exitCode: Int32 = 1) -> Never {
        MPIRuntime.writeToStandardError("cortex: \(description): \(message)\n")
        let code = exitCode == 0 ? 1 : exitCode
        MPI_Abort(cortex_mpi_comm_world(), code)
        _exit(code)
    }

    /// Runs one blocking MPI call under the call lock and the watchdog; throws on an MPI error.
    func perform(_ operation: String, _ body: () -> Int32) throws {
        if let earlier = failure.withLock({ $0 }) {
            throw CortexError(
                .distributed, "\(operation) refused on \(description): an earlier MPI call failed (\(earlier))")
        }
        let code = MPIRuntime.call(operation, timeout: timeoutSeconds, body)
        guard code != cortex_mpi_success else { return }
        let message = "\(operation) failed on \(description): \(MPIRuntime.errorString(code))"
        failure.withLock { if $0 == nil { $0 = message } }
        throw CortexError(.distributed, message)
    }

    /// Throws unless `root` is a rank of this job.
    func checkRoot(_ root: Int, _ operation: String) throws {
        guard (0..<size).contains(root) else {
            throw CortexError(.invalidArgument, "\(operation): root must be in 0..<\(size), got \(root)")
        }
    }
}
