@testable import Cortex

/// `Tensor/EmbeddingOp.swift`: row lookup, differentiable in the table (not in the indices).
/// Indices repeat, so the backward pass must add, not overwrite.
extension OpTable {
    static let embeddingLookup: [OpInfo] = [
        OpInfo(
            "embedding(_:indices:)",
            [
                Tensor([4, 0, 4, 1, 2, 2, 2, 3], shape: [2, 4]), Tensor([3, 3, 0, 1]), Tensor(2),
                Tensor([1, 0, 0, 4, 4, 4, 2, 1], shape: [2, 2, 2]),
            ].map { indices in
                OpSample(
                    "indices \(indices.shape)", [uniform([5, 3], seed: 1), indices], differentiable: [0],
                    shape: indices.shape + [3]
                ) { embedding($0[0], indices: $0[1]) }
            })
    ]
}
