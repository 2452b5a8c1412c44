@testable import Cortex

/// `Tensor/LinearAlgebra.swift`: matrix products (transposes, matrix-vector, batched, folded
/// leading axes) and `linear` with and without bias and with its fused ReLU.
extension OpTable {
    static let linearAlgebra: [OpInfo] = [
        OpInfo("matmul(_:_:transposeA:transposeB:)", matmulSamples),
        OpInfo(
            "linear(_:_:bias:)",
            [([5, 4], 3, true), ([5, 4], 3, false), ([4], 2, true), ([2, 3, 4], 2, true), ([2, 3, 4], 1, false)]
                .map { x, units, hasBias in
                    let inputs =
                        [uniform(x, seed: 1), uniform([x.last!, units], seed: 2)]
                        + (hasBias ? [uniform([units], seed: 3)] : [])
                    return OpSample(
                        "\(x) to \(units)\(hasBias ? " with bias" : "")", inputs, shape: x.dropLast() + [units]
                    ) { linear($0[0], $0[1], bias: hasBias ? $0[2] : nil) }
                }),
        OpInfo(
            "linear(_:_:bias:epilogue:)",
            [([5, 4], 3, true), ([6, 3], 4, false), ([2, 3, 4], 2, true)].map { x, units, hasBias in
                // Every pre-activation at least 0.02 from ReLU's kink; a step of 2⁻⁹ moves it by 0.004 at most.
                let inputs = firstAccepted { seed in
                    [uniform(x, seed: 10 * seed + 1), uniform([x.last!, units], seed: 10 * seed + 2)]
                        + (hasBias ? [uniform([units], seed: 10 * seed + 3)] : [])
                } where: { inputs in
                    let z = linear(inputs[0], inputs[1], bias: hasBias ? inputs[2] : nil)
                    return z.scalars.allSatisfy { Swift.abs($0) > 0.02 } && z.scalars.contains { $0 < 0 }
                }
                return OpSample(
                    "\(x) to \(units)\(hasBias ? " with bias" : "") ReLU", inputs, shape: x.dropLast() + [units],
                    settings: .init(step: 1.0 / 512)
                ) { linear($0[0], $0[1], bias: hasBias ? $0[2] : nil, epilogue: Epilogue(relu: true)) }
            }),
    ]

    /// Every transpose combination for matrices, matrix-vector products (GEMV), batched
    /// products of ranks 3 and 4, and leading axes folded into one product.
    static let matmulSamples: [OpSample] = {
        var samples: [OpSample] = []
        func add(_ a: [Int], _ b: [Int], _ transposeA: Bool, _ transposeB: Bool) {
            let label = "\(a)\(transposeA ? "ᵀ" : "") x \(b)\(transposeB ? "ᵀ" : "")"
            samples.append(
                OpSample(
                    label, [uniform(a, seed: 1), uniform(b, seed: 2)],
                    shape: ShapeRule.product(a, b, transposeA: transposeA, transposeB: transposeB)
                ) { matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) })
        }
        for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
            func shape(_ rows: Int, _ columns: Int, _ transposed: Bool, batch: [Int] = []) -> [Int] {
                batch + (transposed ? [columns, rows] : [rows, columns])
            }
            add(shape(3, 4, transposeA), shape(4, 5, transposeB), transposeA, transposeB)
            add(shape(5, 7, transposeA), shape(7, 1, transposeB), transposeA, transposeB)  // n = 1: GEMV
            add(shape(1, 4, transposeA), shape(4, 3, transposeB), transposeA, transposeB)  // m = 1
            add(shape(3, 4, transposeA, batch: [2]), shape(4, 2, transposeB, batch: [2]), transposeA, transposeB)
        }
        add([2, 2, 3, 4], [2, 2, 4, 2], false, false)
        add([2, 2, 4, 3], [2, 2, 2, 4], true, true)
        add([2, 3, 4], [4, 5], false, false)  // leading axes folded into one GEMM
        add([2, 3, 4], [5, 4], false, true)
        add([2, 2, 3, 4], [4, 2], false, false)
        return samples
    }()
}
