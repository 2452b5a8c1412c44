import Cortex
import Dispatch

/// Averages parameter gradients over all ranks in a few large allreduces: the gradients are
/// packed into fused buckets of about ``bucketBytes`` each, summed in place with MPI, and
/// unpacked into each ``Cortex/Parameter/grad``.
///
/// ```swift
/// let reducer = try GradientReducer(parameters: model.trainableParameters, communicator: comm)
/// // each step, after loss.backward() on this rank's share of the global batch:
/// try reducer.averageGradients(weight: Float(localRows) / Float(globalRows))
/// optimizer.step(model.trainableParameters)
/// ```
///
/// With `weight` = this rank's share of the global batch, the result is the gradient of the
/// loss averaged over the whole global batch, however it was split (ranks with no rows pass
/// weight 0). Every rank receives the same bits, so replicas that apply the same optimizer stay
/// bitwise identical.
///
/// A parameter with no gradient on any rank keeps none (optimizers skip it, as in one process);
/// one with a gradient on some ranks gets the weighted sum of those. The buffers are allocated
/// once; a step allocates nothing unless a gradient tensor is shared or missing.
///
/// Buckets run in reverse parameter order, the order in which a backward pass finishes
/// gradients, and the first one carries a failure flag per rank: passing the error this rank
/// caught (``averageGradients(weight:error:)``) agrees on failures at no extra message.
public final class GradientReducer {
    /// The default bucket size, 64 MiB (Horovod's default fusion threshold). Without overlap
    /// with the backward pass, fewer and larger allreduces win: measured with 2 ranks on this
    /// machine, averaging 40 MB of gradients took 66-153 ms in one bucket against 179-296 ms in
    /// ten of 4 MiB (each allreduce waits for the slower rank once). The staging buffer holds
    /// every gradient whatever the bucket size. See `docs/distributed.md`.
    public static let defaultBucketBytes = 64 << 20

    /// Time and volume spent in the allreduces so far.
    public struct Statistics: Sendable {
        /// Calls of ``GradientReducer/averageGradients(weight:error:)``.
        public var steps = 0
        /// Seconds inside MPI allreduce calls (packing and unpacking excluded).
        public var allreduceSeconds = 0.0
        /// Seconds packing gradients into the buckets and unpacking the sums.
        public var packingSeconds = 0.0
        /// Bytes each rank contributed to allreduces (fused buffer size per step, summed).
        public var bytes = 0
    }

    /// The communicator the gradients are averaged over.
    public let communicator: MPICommunicator
    /// The parameters whose gradients are averaged, in the order given.
    public let parameters: [Parameter]
    /// The target size of one fused allreduce; a larger parameter gets a bucket of its own.
    public let bucketBytes: Int
    /// Time and bytes spent so far.
    public private(set) var statistics = Statistics()

    private struct Member {
        let parameter: Int
        let offset: Int
        let count: Int
        let flag: Int
    }

    private struct Bucket {
        let range: Range<Int>
        let members: [Member]
    }

    private let buckets: [Bucket]
    /// `size` failure flags, then the buckets one after the other (each: presence flags, then data).
    private let staging: UnsafeMutableBufferPointer<Float>

    /// The number of fused allreduces per step.
    public var bucketCount: Int { buckets.count }
    /// The floats each rank sends per step (gradients, presence and failure flags).
    public var elementsPerStep: Int { staging.count }

    /// Plans the buckets and checks, across ranks, that every rank planned the same layout.
    ///
    /// Collective: every rank calls it with the same parameter shapes in the same order (the
    /// same model). A rank whose layout differs makes every rank throw a ``CortexError``.
    ///
    /// - Parameters:
    ///   - parameters: usually `model.trainableParameters`; built (their shapes are fixed).
    ///   - communicator: the job to average over.
    ///   - bucketBytes: the target bytes of one fused allreduce (positive).
    public init(
        parameters: [Parameter], communicator: MPICommunicator, bucketBytes: Int = GradientReducer.defaultBucketBytes
    ) throws {
        guard bucketBytes >= MemoryLayout<Float>.stride else {
            throw CortexError(.invalidArgument, "bucketBytes must be at least 4, got \(bucketBytes)")
        }
        self.communicator = communicator
        self.parameters = parameters
        self.bucketBytes = bucketBytes

        let limit = bucketBytes / MemoryLayout<Float>.stride
        var planned: [Bucket] = []
        var offset = communicator.size
        var members: [(parameter: Int, count: Int)] = []
        var elements = 0
        func close() {
            guard !members.isEmpty else { return }
            let start = offset
            var next = start + members.count
            var placed: [Member] = []
            for (i, member) in members.enumerated() {
                placed.append(Member(parameter: member.parameter, offset: next, count: member.count, flag: start + i))
                next += member.count
            }
            // The first bucket also covers the failure flags in front of it.
            planned.append(Bucket(range: (planned.isEmpty ? 0 : start)..<next, members: placed))
            offset = next
            members = []
            elements = 0
        }
        for index in parameters.indices.reversed() {
            let count = parameters[index].shape.reduce(1, *)
            if elements > 0 && elements + count > limit { close() }
            members.append((index, count))
            elements += count
        }
        close()
        if planned.isEmpty { planned.append(Bucket(range: 0..<offset, members: [])) }
        buckets = planned
        staging = .allocate(capacity: offset)
        staging.initialize(repeating: 0)

        var hasher = ParameterHasher()
        hasher.combine(UInt32(truncatingIfNeeded: bucketBytes))
        for parameter in parameters {
            hasher.combine(UInt32(parameter.shape.count))
            for dimension in parameter.shape { hasher.combine(UInt32(truncatingIfNeeded: dimension)) }
        }
        let layouts = try communicator.allgather(hasher.finalize())
        if Set(layouts).count > 1 {
            throw CortexError(
                .distributed,
                "GradientReducer: ranks have different parameter shapes or bucket sizes (layout hashes: "
                    + layouts.enumerated().map { "rank \($0.offset) \(hexadecimal($0.element))" }
                    .joined(separator: ", ") + ")")
        }
    }

    deinit { staging.deallocate() }

    /// Replaces every parameter's gradient with the weighted sum over ranks of the ranks'
    /// gradients, `sum over r of weight_r * grad_r`, and agrees on failures.
    ///
    /// Collective: every rank calls it once per step, after its backward pass.
    ///
    /// - Parameters:
    ///   - weight: this rank's factor; its share of the global batch (`localRows / globalRows`)
    ///     gives the global batch's mean gradient. `nil` means `1 / size` (equal shares).
    ///   - error: the error this rank caught during the step, or `nil`. If any rank passes one,
    ///     gradients are left as they were and every rank throws (see
    ///     ``MPICommunicator/agree(error:)``); a gradient whose shape no longer matches its
    ///     parameter counts as such an error.
    public func averageGradients(weight: Float? = nil, error: (any Error)? = nil) throws {
        let factor = weight ?? 1 / Float(communicator.size)
        var localError = error
        if localError == nil && !(factor.isFinite && factor >= 0) {
            localError = CortexError(.invalidArgument, "gradient weight must be finite and non-negative, got \(factor)")
        }
        if localError == nil, let bad = parameters.first(where: { p in p.grad.map { $0.shape != p.shape } ?? false }) {
            localError = CortexError(
                .shapeMismatch, "\(bad.name) has shape \(bad.shape) but its gradient has \(bad.grad!.shape)")
        }
        statistics.steps += 1
        statistics.bytes += staging.count * MemoryLayout<Float>.stride
        let buffer = staging
        for (index, bucket) in buckets.enumerated() {
            var start = DispatchTime.now().uptimeNanoseconds
            if index == 0 {
                for r in 0..<communicator.size { buffer[r] = 0 }
                if localError != nil { buffer[communicator.rank] = 1 }
            }
            for member in bucket.members {
                let destination = UnsafeMutableBufferPointer(
                    rebasing: buffer[member.offset..<member.offset + member.count])
                if localError == nil, let gradient = parameters[member.parameter].grad {
                    buffer[member.flag] = 1
                    gradient.withUnsafeBufferPointer { source in
                        for i in 0..<member.count { destination[i] = source[i] * factor }
                    }
                } else {
                    buffer[member.flag] = 0
                    destination.update(repeating: 0)
                }
            }
            var now = DispatchTime.now().uptimeNanoseconds
            statistics.packingSeconds += Double(now - start) * 1e-9
            start = now
            try communicator.allreduce(
                UnsafeMutableBufferPointer(rebasing: buffer[bucket.range]), .sum,
                "MPI_Allreduce(gradients, bucket \(index + 1) of \(buckets.count))")
            now = DispatchTime.now().uptimeNanoseconds
            statistics.allreduceSeconds += Double(now - start) * 1e-9
            start = now
            if index == 0 {
                let failed = (0..<communicator.size).filter { buffer[$0] != 0 }
                try communicator.throwIfAnyFailed(failedRanks: failed, localError: localError)
            }
            for member in bucket.members {
                let parameter = parameters[member.parameter]
                guard buffer[member.flag] != 0 else {
                    parameter.grad = nil
                    continue
                }
                let source = UnsafeBufferPointer(rebasing: buffer[member.offset..<member.offset + member.count])
                if parameter.grad == nil { parameter.grad = Tensor(zeros: parameter.shape) }
                parameter.grad!.withUnsafeMutableBufferPointer { destination in
                    for i in 0..<member.count { destination[i] = source[i] }
                }
            }
            statistics.packingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
    }
}
