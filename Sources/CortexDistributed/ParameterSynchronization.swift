import Cortex

extension MPICommunicator {
    /// Copies the value of every parameter of `model` (trainable or not, such as
    /// BatchNormalization's moving statistics) from rank `root` to every other rank, so that
    /// all replicas start from the same weights.
    ///
    /// The model must be built on every rank (parameters are created at the first call or by
    /// `build(inputShape:)`). Names and shapes are compared with the root's first: if any rank's
    /// model differs, every rank throws a ``CortexError`` naming the first difference, and no
    /// weight changes. Collective: every rank calls it.
    public func broadcastParameters(of model: Module, from root: Int = 0) throws {
        try broadcastParameters(model.namedParameters, from: root)
    }

    /// Copies the values of `parameters` (names with parameters, in the same order on every rank)
    /// from rank `root` to every other rank; see ``broadcastParameters(of:from:)``.
    public func broadcastParameters(_ parameters: [(String, Parameter)], from root: Int = 0) throws {
        try checkRoot(root, "broadcastParameters")
        try checkSameLayout(parameters, as: root, operation: "broadcastParameters")
        guard !parameters.isEmpty else {
            throw CortexError(
                .invalidArgument,
                "broadcastParameters: the model has no parameters yet; build it (build(inputShape:)) first")
        }
        for (_, parameter) in parameters {
            if rank == root {
                // The root only sends: MPI_Bcast reads its buffer, so no copy of the value is made.
                try parameter.value.withUnsafeBufferPointer {
                    try broadcast(UnsafeMutableBufferPointer(mutating: $0), from: root)
                }
            } else {
                var value = Tensor(zeros: parameter.shape)
                try value.withUnsafeMutableBufferPointer { try broadcast($0, from: root) }
                parameter.value = value
            }
        }
    }

    /// Every rank's ``Cortex/Module/parameterHash(includingNonTrainable:)`` of `model`, by rank.
    public func parameterHashes(of model: Module, includingNonTrainable: Bool = true) throws -> [UInt64] {
        try allgather(model.parameterHash(includingNonTrainable: includingNonTrainable))
    }

    /// Throws a ``CortexError`` on every rank unless all replicas of `model` hold bitwise-identical
    /// parameters (compared by hash); the message lists each rank's hash.
    ///
    /// - Parameter includingNonTrainable: also compare parameters no optimizer updates, such as
    ///   moving statistics (which each rank updates from its own share of a batch).
    public func verifyReplicasIdentical(_ model: Module, includingNonTrainable: Bool = true) throws {
        let hashes = try parameterHashes(of: model, includingNonTrainable: includingNonTrainable)
        guard Set(hashes).count > 1 else { return }
        let listed = hashes.enumerated().map { "rank \($0.offset) \(hexadecimal($0.element))" }
        throw CortexError(
            .distributed,
            "\(model.name): replicas differ across ranks (parameter hashes: \(listed.joined(separator: ", ")))")
    }

    /// Broadcasts the root's names and shapes, compares them on every rank, and agrees: a rank
    /// whose model differs makes every rank throw.
    func checkSameLayout(_ parameters: [(String, Parameter)], as root: Int, operation: String) throws {
        let local = parameters.map { "\($0.0) \($0.1.shape)" }
        let reference = try broadcast(local.joined(separator: "\n"), from: root)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var mismatch: CortexError? = nil
        if local != (reference == [""] ? [] : reference) {
            let theirs = reference == [""] ? [] : reference
            let detail: String
            if let i = zip(local, theirs).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                detail = "parameter \(i) is \(local[i]) here but \(theirs[i]) on rank \(root)"
            } else {
                detail = "\(local.count) parameters here but \(theirs.count) on rank \(root)"
            }
            mismatch = CortexError(.distributed, "\(operation): the model differs from rank \(root)'s: \(detail)")
        }
        try agree(error: mismatch)
    }
}

extension Module {
    /// A 64-bit hash of every parameter's name, shape and exact bits, in ``parameters`` order.
    ///
    /// Equal hashes on two ranks mean (up to a 2^-64 chance) bitwise-identical replicas; a single
    /// changed element always changes the hash. For comparing replicas across ranks, see
    /// ``MPICommunicator/verifyReplicasIdentical(_:includingNonTrainable:)``.
    ///
    /// - Parameter includingNonTrainable: also hash parameters that are not trainable.
    public func parameterHash(includingNonTrainable: Bool = true) -> UInt64 {
        var hasher = ParameterHasher()
        for (name, parameter) in namedParameters where includingNonTrainable || parameter.isTrainable {
            hasher.combine(name, parameter.value)
        }
        return hasher.finalize()
    }
}
