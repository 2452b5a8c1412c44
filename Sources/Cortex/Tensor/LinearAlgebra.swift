/// Matrix product through `cblas_sgemm`, with optional transposes of either operand.
///
/// Rank-2 operands give an `[m, n]` product. With more axes the leading axes are batch axes:
/// when `b` is a matrix, `a`'s leading axes fold into one GEMM (the common `[batch, ..., k] x
/// [k, n]` case); otherwise both must have the same leading axes and each pair is multiplied.
/// Transposes are handed to the GEMM as flags; no transposed copy is made.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: needs operands of rank >= 2, got \(a.shape) and \(b.shape)")
    if b.rank == 2 && a.rank > 2 && !transposeA {
        let lead = Array(a.shape.dropLast())
        let flat = matmul(a.reshaped([-1, a.shape[a.rank - 1]]), b, transposeB: transposeB)
        return flat.reshaped(lead + [flat.shape[1]])
    }
    let batchShape = Array(a.shape.dropLast(2))
    precondition(
        batchShape == Array(b.shape.dropLast(2)),
        "matmul: batch axes of \(a.shape) and \(b.shape) differ")
    let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (k2, n) = transposeB ? (bc, br) : (br, bc)
    precondition(
        k == k2,
        "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
    let batches = batchShape.reduce(1, *)
    let result = Tensor(uninitializedShape: batchShape + [m, n]) { c in
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                if k == 0 { c.initialize(repeating: 0); return }
                for i in 0..<batches {
                    // M = m rows of op(A), N = n columns of op(B), K = shared dimension.
                    sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        x.baseAddress! + i * ar * ac, lda: ac, y.baseAddress! + i * br * bc, ldb: bc,
                        c.baseAddress! + i * m * n, ldc: n)
                }
            }
        }
    }
    return Tensor.recording(result, inputs: [a, b]) { g, tracked in
        var grads: [Tensor] = []
        if tracked[0] {
            grads.append(
                transposeA
                    ? matmul(b, g, transposeA: transposeB, transposeB: true)
                    : matmul(g, b, transposeB: !transposeB))
        }
        if tracked[1] {
            grads.append(
                transposeB
                    ? matmul(g, a, transposeA: true, transposeB: transposeA)
                    : matmul(a, g, transposeA: !transposeA))
        }
        return grads
    }
}
