import CMPI
import Cortex

/// An element type that MPI can move and reduce.
protocol MPIElement {
    static var datatype: MPIHandle { get }
}

extension Float: MPIElement { static var datatype: MPIHandle { MPIHandle(raw: cortex_mpi_float()) } }
extension Double: MPIElement { static var datatype: MPIHandle { MPIHandle(raw: cortex_mpi_double()) } }
extension Int32: MPIElement { static var datatype: MPIHandle { MPIHandle(raw: cortex_mpi_int32()) } }
extension Int64: MPIElement { static var datatype: MPIHandle { MPIHandle(raw: cortex_mpi_int64()) } }
extension UInt64: MPIElement { static var datatype: MPIHandle { MPIHandle(raw: cortex_mpi_uint64()) } }
extension UInt8: MPIElement { static var datatype: MPIHandle { MPIHandle(raw: cortex_mpi_byte()) } }

/// How ``MPICommunicator/allreduce(_:_:)`` combines the ranks' values.
public enum ReductionOperation: Sendable {
    /// The sum over ranks.
    case sum
    /// The smallest value over ranks.
    case minimum
    /// The largest value over ranks.
    case maximum

    var handle: MPIHandle {
        switch self {
        case .sum: MPIHandle(raw: cortex_mpi_sum())
        case .minimum: MPIHandle(raw: cortex_mpi_min())
        case .maximum: MPIHandle(raw: cortex_mpi_max())
        }
    }
}

extension MPICommunicator {
    /// MPI counts are 32-bit: longer buffers go in pieces of this many elements.
    static let maximumPiece = 1 << 30

    // MARK: - Allreduce

    /// Replaces every element of `buffer` with its sum over all ranks (`MPI_Allreduce` in place).
    ///
    /// Every rank passes a buffer of the same length; every rank receives the same sums (Open
    /// MPI's reduction algorithms give each rank the same bits). Buffers longer than 2^30
    /// elements are reduced in pieces.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try allreduce(buffer, .sum, "MPI_Allreduce(sum, float)")
    }

    /// Replaces every element of `buffer` with its sum over all ranks (`MPI_Allreduce` in place).
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        try allreduce(buffer, .sum, "MPI_Allreduce(sum, double)")
    }

    /// Replaces every element of `values` with its sum over all ranks.
    public func allreduceSum(_ values: inout [Float]) throws {
        try values.withUnsafeMutableBufferPointer { try allreduceSum($0) }
    }

    /// Replaces every element of `values` with its sum over all ranks.
    public func allreduceSum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try allreduceSum($0) }
    }

    /// Replaces every element of `values` with its sum, minimum or maximum over all ranks.
    public func allreduce(_ values: inout [Int], _ operation: ReductionOperation) throws {
        var wide = values.map { Int64($0) }
        try wide.withUnsafeMutableBufferPointer { try allreduce($0, operation, "MPI_Allreduce(int64)") }
        values = wide.map { Int($0) }
    }

    /// Replaces every element of `values` with its sum, minimum or maximum over all ranks.
    public func allreduce(_ values: inout [Double], _ operation: ReductionOperation) throws {
        try values.withUnsafeMutableBufferPointer { try allreduce($0, operation, "MPI_Allreduce(double)") }
    }

    func allreduce<T: MPIElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation, _ name: String
    ) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let type = T.datatype, op = operation.handle, comm = world
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, Self.maximumPiece)
            let start = UnsafeMutableRawPointer(base + offset)
            try perform(name) {
                MPI_Allreduce(UnsafeRawPointer(cortex_mpi_in_place()), start, Int32(count), type.raw, op.raw, comm.raw)
            }
            offset += count
        }
    }

    // MARK: - Broadcast

    /// Copies `buffer` on rank `root` into `buffer` on every other rank (`MPI_Bcast`).
    ///
    /// Every rank passes a buffer of the same length; use ``broadcast(bytes:from:)`` when only
    /// the root knows the length.
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, from root: Int = 0) throws {
        try broadcastElements(buffer, from: root)
    }

    /// Copies `buffer` on rank `root` into `buffer` on every other rank (`MPI_Bcast`).
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Double>, from root: Int = 0) throws {
        try broadcastElements(buffer, from: root)
    }

    /// Copies `buffer` on rank `root` into `buffer` on every other rank (`MPI_Bcast`).
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<UInt8>, from root: Int = 0) throws {
        try broadcastElements(buffer, from: root)
    }

    /// Copies `values` on rank `root` into `values` on every other rank; all have the same count.
    public func broadcast(_ values: inout [Float], from root: Int = 0) throws {
        try values.withUnsafeMutableBufferPointer { try broadcastElements($0, from: root) }
    }

    /// Copies `values` on rank `root` into `values` on every other rank; all have the same count.
    public func broadcast(_ values: inout [Double], from root: Int = 0) throws {
        try values.withUnsafeMutableBufferPointer { try broadcastElements($0, from: root) }
    }

    /// Copies `values` on rank `root` into `values` on every other rank; all have the same count.
    public func broadcast(_ values: inout [Int], from root: Int = 0) throws {
        var wide = values.map { Int64($0) }
        try wide.withUnsafeMutableBufferPointer { try broadcastElements($0, from: root) }
        values = wide.map { Int($0) }
    }

    /// Returns rank `root`'s `bytes` on every rank; the other ranks' arguments are ignored.
    ///
    /// For small payloads whose length only the root knows (a message, a configuration, a
    /// checkpoint's bytes): the length goes first, then the bytes.
    public func broadcast(bytes: [UInt8], from root: Int = 0) throws -> [UInt8] {
        try checkRoot(root, "broadcast")
        var length = [Int64(rank == root ? bytes.count : 0)]
        try length.withUnsafeMutableBufferPointer { try broadcastElements($0, from: root) }
        var result = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length[0]))
        try result.withUnsafeMutableBufferPointer { try broadcastElements($0, from: root) }
        return result
    }

    /// Returns rank `root`'s `text` on every rank; the other ranks' arguments are ignored.
    public func broadcast(_ text: String, from root: Int = 0) throws -> String {
        String(decoding: try broadcast(bytes: Array(text.utf8), from: root), as: UTF8.self)
    }

    func broadcastElements<T: MPIElement>(_ buffer: UnsafeMutableBufferPointer<T>, from root: Int) throws {
        try checkRoot(root, "broadcast")
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let type = T.datatype, comm = world
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, Self.maximumPiece)
            let start = UnsafeMutableRawPointer(base + offset)
            try perform("MPI_Bcast") { MPI_Bcast(start, Int32(count), type.raw, Int32(root), comm.raw) }
            offset += count
        }
    }

    // MARK: - Allgather

    /// Every rank's `value`, indexed by rank (`MPI_Allgather`); for comparing hashes and layouts.
    public func allgather(_ value: UInt64) throws -> [UInt64] {
        var result = [UInt64](repeating: 0, count: size)
        var local = value
        let type = UInt64.datatype, comm = world
        try result.withUnsafeMutableBytes { out in
            try withUnsafeBytes(of: &local) { input in
                try perform("MPI_Allgather") {
                    MPI_Allgather(input.baseAddress, 1, type.raw, out.baseAddress, 1, type.raw, comm.raw)
                }
            }
        }
        return result
    }
}
