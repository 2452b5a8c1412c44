import Cortex
import CortexDistributed

/// Parameter broadcast and hashing, gradient averaging against one-process gradients, and
/// metric reduction, written the way data-parallel `fit` will use them.
func runModelChecks(_ checker: Checker) throws {
    let comm = checker.comm
    let (rank, size) = (comm.rank, comm.size)

    try checker.check("parameter hash sees one changed bit") {
        let a = try smallModel(seed: 1)
        let b = try smallModel(seed: 1)
        checker.expect(a.parameterHash() == b.parameterHash(), "equal models hash differently")
        var value = b.parameters[2].value
        value.withUnsafeMutableBufferPointer { $0[5] = Float(bitPattern: $0[5].bitPattern ^ 1) }
        b.parameters[2].value = value
        checker.expect(a.parameterHash() != b.parameterHash(), "a flipped low bit left the hash unchanged")
    }

    try checker.check("broadcastParameters makes replicas bitwise identical") {
        let model = try smallModel(seed: UInt64(100 + rank))  // different weights on every rank
        var rootHash = [Int(bitPattern: UInt(model.parameterHash()))]
        try comm.broadcast(&rootHash, from: 0)
        if size > 1 {
            checker.expectError("replicas before the broadcast", containing: ["replicas differ", "rank 1 0x"]) {
                try comm.verifyReplicasIdentical(model)
            }
        }
        try comm.broadcastParameters(of: model)
        try comm.verifyReplicasIdentical(model)
        checker.expect(
            model.parameterHash() == UInt64(UInt(bitPattern: rootHash[0])), "weights are not rank 0's after broadcast")
    }

    try checker.check("broadcastParameters refuses models that differ, on every rank, changing nothing") {
        let model = Sequential(seed: 5) {
            Dense(units: rank == size - 1 && size > 1 ? 5 : 4)
            Dense(units: 2)
        }
        try model.build(inputShape: [3])
        let before = model.parameterHash()
        if size > 1 {
            checker.expectError(
                "a different model on rank \(size - 1)",
                containing: rank == size - 1
                    ? [
                        "differs from rank 0's",
                        "parameter 0 is dense.kernel [3, 5] here but dense.kernel [3, 4] on rank 0",
                    ]
                    : ["rank \(size - 1) of \(size)", "failed", "differs from rank 0's"]
            ) { try comm.broadcastParameters(of: model) }
        }
        checker.expect(model.parameterHash() == before, "weights changed although the broadcast was refused")
        let unbuilt = Sequential { Dense(units: 2) }
        checker.expectError("an unbuilt model", containing: ["no parameters yet"]) {
            try comm.broadcastParameters(of: unbuilt)
        }
    }

    try checker.check("averaged gradients equal the one-process gradient of the global batch") {
        let (x, y) = syntheticData(rows: 77)  // 77 rows: uneven shares on 2 and 3 ranks
        for bucketBytes in [GradientReducer.defaultBucketBytes, 256] {
            let distributed = try smallModel(seed: 3)
            let reference = try smallModel(seed: 3)
            let reducer = try GradientReducer(
                parameters: distributed.trainableParameters, communicator: comm, bucketBytes: bucketBytes)
            let mine = comm.share(of: 0..<77)
            trainingLoss(distributed(x[mine]), y[mine]).backward()
            try reducer.averageGradients(weight: Float(mine.count) / 77)
            trainingLoss(reference(x), y).backward()
            let got = distributed.trainableParameters.map { $0.grad! }
            let expected = reference.trainableParameters.map { $0.grad! }
            let difference = relativeDifference(got, expected)
            checker.expect(difference < 1e-5, "bucket \(bucketBytes) B: relative difference \(difference)")
            if bucketBytes == 256 {
                checker.expect(reducer.bucketCount > 3, "256-byte buckets gave \(reducer.bucketCount) buckets")
            }
            // Every rank must hold the same bits, or replicas would drift apart.
            let bits = got.flatMap(\.scalars).reduce(UInt64(0)) { $0 &* 1_000_003 &+ UInt64($1.bitPattern) }
            let hashes = try comm.allgather(bits)
            checker.expect(Set(hashes).count == 1, "gradients differ across ranks: \(hashes)")
        }
    }

    try checker.check("parameters without gradients on some or all ranks") {
        let a = Parameter(Tensor([1, 2], shape: [2]), name: "a")
        let b = Parameter(Tensor([3], shape: [1]), name: "b")
        let reducer = try GradientReducer(parameters: [a, b], communicator: comm)
        if rank == 0 { a.grad = Tensor([2, 4], shape: [2]) }
        try reducer.averageGradients(weight: 1)
        checker.expect(a.grad?.scalars == [2, 4], "a's gradient from rank 0 only: \(String(describing: a.grad))")
        checker.expect(b.grad == nil, "b had no gradient anywhere but got \(String(describing: b.grad))")
        checker.expect(reducer.statistics.steps == 1, "statistics.steps \(reducer.statistics.steps)")
    }

    try checker.check("a failure passed to averageGradients stops every rank, gradients untouched") {
        let model = try smallModel(seed: 4)
        let reducer = try GradientReducer(parameters: model.trainableParameters, communicator: comm)
        let (x, y) = syntheticData(rows: 10)
        trainingLoss(model(x), y).backward()
        let before = model.trainableParameters.map { $0.grad! }
        let failing = size - 1
        let problem = CortexError(.invalidData, "batch 3 holds NaN")
        do {
            try reducer.averageGradients(error: rank == failing ? problem : nil)
            checker.expect(false, "averageGradients returned although rank \(failing) failed")
        } catch let error as CortexError {
            let expected = rank == failing ? "batch 3 holds NaN" : "rank \(failing) of \(size) ("
            checker.expect(error.message.hasPrefix(expected), "message: \(error.message)")
        }
        let after = model.trainableParameters.map { $0.grad! }
        checker.expect(relativeDifference(after, before) == 0, "gradients changed by a failed step")
    }

    try checker.check("20 SGD and 20 Adam steps match one process; replicas stay bitwise identical") {
        let (x, y) = syntheticData(rows: 1001)
        for makeOptimizer in [{ SGD(learningRate: 0.1, momentum: 0.9) as Optimizer }, { Adam(learningRate: 0.01) }] {
            let distributed = try smallModel(seed: UInt64(20 + rank))
            try comm.broadcastParameters(of: distributed)
            let reference = try smallModel(seed: 20)
            let reducer = try GradientReducer(parameters: distributed.trainableParameters, communicator: comm)
            let optimizer = makeOptimizer()
            try trainDistributed(
                distributed, optimizer: optimizer, reducer: reducer, x: x, y: y, globalBatch: 64, steps: 20)
            trainLocally(reference, optimizer: makeOptimizer(), x: x, y: y, globalBatch: 64, steps: 20)
            try comm.verifyReplicasIdentical(distributed)
            let difference = relativeDifference(
                distributed.parameters.map(\.value), reference.parameters.map(\.value))
            checker.expect(
                difference < 1e-5, "\(type(of: optimizer)): relative difference \(difference) after 20 steps")
        }
    }

    try checker.check("sumAcrossRanks adds totals and refuses different names") {
        let totals = try comm.sumAcrossRanks(["loss": 0.5 * Double(rank + 1), "rows": Double(10 + rank)])
        checker.expect(totals["loss"] == 0.25 * Double(size * (size + 1)), "loss total \(totals["loss"] ?? -1)")
        checker.expect(
            totals["rows"] == Double(10 * size + size * (size - 1) / 2), "rows total \(totals["rows"] ?? -1)")
        if size > 1 {
            checker.expectError("different names", containing: ["ranks report different names"]) {
                _ = try comm.sumAcrossRanks(rank == 0 ? ["loss": 1] : ["accuracy": 1])
            }
        }
    }

    try checker.check("shares cover every batch exactly once") {
        for ranks in 1...5 {
            for rows in [0, 1, 2, 3, 7, 64, 1001] {
                let base = 13
                let parts = (0..<ranks).map { MPICommunicator.share(of: base..<(base + rows), rank: $0, size: ranks) }
                let joined = parts.flatMap { Array($0) }
                checker.expect(joined == Array(base..<(base + rows)), "\(rows) rows on \(ranks) ranks: \(parts)")
                let counts = parts.map(\.count)
                checker.expect(counts.max()! - counts.min()! <= 1, "\(rows) rows on \(ranks) ranks: \(counts)")
            }
        }
    }
}
