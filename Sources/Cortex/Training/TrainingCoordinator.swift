/// The seam through which several processes train one model together (data parallelism):
/// `fit` calls it at fixed points and otherwise runs as in one process. `CortexDistributed`'s
/// MPI communicator is one; the core library has no implementation and no MPI dependency.
///
/// Every process runs the same `fit` on the same data with the same settings, and every global
/// batch is split between them (process `rank` of `processCount` takes its part); the
/// coordinator makes the processes agree: the same initial state, gradients summed over
/// processes, metric totals summed, one process's failure everyone's. Every method is a
/// collective: all processes call it in the same order.
public protocol TrainingCoordinator: AnyObject {
    /// This process's index, `0..<processCount`.
    var rank: Int { get }
    /// The number of processes.
    var processCount: Int { get }

    /// Before training: makes every process's parameters and optimizer state equal to rank 0's
    /// and checks that the models agree in names and shapes; throws on every process otherwise.
    func synchronize(model: Module, optimizer: Optimizer) throws

    /// A value every process agrees on (rank 0's), for seeding the epoch's shuffling.
    func agreedSeed(_ seed: UInt64) throws -> UInt64

    /// After each process's backward pass: sums the `grad` of `parameters` over processes
    /// (each process's gradient is already scaled by its share of the global batch), in place.
    /// `error` is this process's failure in the step, if any: then every process throws.
    func reduceGradients(_ parameters: [Parameter], error: (any Error)?) throws

    /// Sums `values` over processes, in place (metric totals, loss sums, example counts).
    func sum(_ values: inout [Double]) throws

    /// Throws on every process when any process passes an error (a failure in a step outside
    /// the gradients, a callback, a validation pass); returns normally when none did.
    func agree(error: (any Error)?) throws
}

extension TrainingCoordinator {
    /// Whether this process prints progress and writes files (rank 0).
    public var isPrimary: Bool { rank == 0 }
}
