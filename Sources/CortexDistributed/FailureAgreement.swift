import Cortex

extension MPICommunicator {
    /// Makes every rank learn whether any rank failed since the last agreement, so that all
    /// ranks stop together instead of some waiting forever in the next collective.
    ///
    /// Call it at a point every rank reaches (a step or epoch boundary), passing the error this
    /// rank caught, or `nil`. If no rank failed it returns. Otherwise every rank throws: a rank
    /// that failed rethrows its own error; the others throw a ``CortexError`` with the failed
    /// rank's kind and message, e.g. `rank 1 of 2 (host-b) failed: x.npy: no such file`. The
    /// lowest failed rank is named (others that failed too are listed).
    ///
    /// Cost: one allreduce of `size` 32-bit flags; a broadcast of the message only on failure.
    public func agree(error: (any Error)?) throws {
        var flags = [Int32](repeating: 0, count: size)
        if error != nil { flags[rank] = 1 }
        try flags.withUnsafeMutableBufferPointer { try allreduce($0, .sum, "MPI_Allreduce(failure flags)") }
        try throwIfAnyFailed(failedRanks: flags.indices.filter { flags[$0] != 0 }, localError: error)
    }

    /// Runs `body` on this rank, then agrees with every rank on whether any body threw (see
    /// ``agree(error:)``); returns `body`'s result when none did.
    public func agree<T>(_ body: () throws -> T) throws -> T {
        let outcome = Result { try body() }
        switch outcome {
        case .success(let value):
            try agree(error: nil)
            return value
        case .failure(let error):
            try agree(error: error)
            throw error  // not reached: agree(error:) rethrows a non-nil error
        }
    }

    /// Given the ranks that reported a failure (the same list on every rank), sends the lowest
    /// one's error to all and throws on every rank; returns when the list is empty.
    func throwIfAnyFailed(failedRanks: [Int], localError: (any Error)?) throws {
        MPIRuntime.state.withLock { $0.failureAgreed = !failedRanks.isEmpty }
        guard let first = failedRanks.first else { return }
        var payload: [UInt8] = []
        if rank == first, let localError { payload = FailureReport(localError, host: hostName).encoded }
        let received = try broadcast(bytes: payload, from: first)
        if let localError { throw localError }
        throw FailureReport(decoding: received).error(
            rank: first, size: size, othersFailed: Array(failedRanks.dropFirst()))
    }
}

/// A failed rank's error, in the bytes that ``MPICommunicator/agree(error:)`` broadcasts.
struct FailureReport: Equatable {
    var kind: CortexError.Kind
    var host: String
    var message: String

    init(_ error: any Error, host: String) {
        if let error = error as? CortexError {
            (kind, message) = (error.kind, error.message)
        } else {
            (kind, message) = (.distributed, String(describing: error))
        }
        self.host = host
    }

    /// Fields are separated by NUL bytes, which none of them contains in practice.
    var encoded: [UInt8] {
        Array(kind.rawValue.utf8) + [0] + Array(host.utf8) + [0] + Array(message.utf8)
    }

    init(decoding bytes: [UInt8]) {
        let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        let text = parts.map { String(decoding: $0, as: UTF8.self) }
        kind = text.first.flatMap(CortexError.Kind.init(rawValue:)) ?? .distributed
        host = text.count > 1 ? text[1] : ""
        message = text.count > 2 ? text[2] : "(no message)"
    }

    /// The error the other ranks throw.
    func error(rank: Int, size: Int, othersFailed: [Int]) -> CortexError {
        let also =
            othersFailed.isEmpty
            ? ""
            : " (rank\(othersFailed.count > 1 ? "s" : "") \(othersFailed.map(String.init).joined(separator: ", ")) failed too)"
        let place = host.isEmpty ? "" : " (\(host))"
        return CortexError(kind, "rank \(rank) of \(size)\(place) failed: \(message)\(also)")
    }
}
