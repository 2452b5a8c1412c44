@testable import Cortex

/// `Tensor/CrossEntropyOps.swift`: the fused cross-entropies the losses use on logits.
extension OpTable {
    static let crossEntropy: [OpInfo] = [
        OpInfo(
            "sparseSoftmaxCrossEntropy(logits:labels:)",
            [
                ([4, 5], Tensor([0, 4, 2, 2])), ([2, 3, 4], Tensor([3, 0, 1, 1, 2, 3], shape: [2, 3])),
                ([5], Tensor([3])), ([1, 3], Tensor(1)), ([3, 1], Tensor([0, 0, 0])),
            ].map { shape, labels in
                OpSample(
                    "\(shape) labels \(labels.shape)", [uniform(shape, -3...3, seed: 1), labels], differentiable: [0],
                    shape: Array(shape.dropLast())
                ) { sparseSoftmaxCrossEntropy(logits: $0[0], labels: $0[1]) }
            }),
        OpInfo(
            "sigmoidCrossEntropy(logits:targets:)",
            [
                ([4, 2], Tensor([1, 0, 1, 1, 0, 0, 1, 0], shape: [4, 2])), ([3, 3], uniform([3, 3], 0...1, seed: 7)),
                ([5], Tensor([0, 1, 1, 0, 1])), ([2, 2, 3], uniform([2, 2, 3], 0...1, seed: 8)),
            ].map { shape, targets in
                OpSample(
                    "\(shape) targets \(Set(targets.scalars).isSubset(of: [0, 1]) ? "0/1" : "soft")",
                    [uniform(shape, -4...4, seed: 1), targets], shape: shape
                ) { sigmoidCrossEntropy(logits: $0[0], targets: $0[1]) }
            }),
    ]
}
