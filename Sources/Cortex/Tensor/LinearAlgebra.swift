/// Matrix product through `cblas_sgemm`, with optional transposes of either operand.
///
/// Rank-2 operands give an `[m, n]` product. With more axes the leading axes are batch axes:
/// when `b` is a matrix, `a`'s leading axes fold into one GEMM (the common `[batch, ..., k] x
/// [k, n]` case); otherwise both must have the same leading axes and each pair is multiplied.
/// Transposes are handed to the GEMM as flags; no transposed copy is made.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    check(a.rank >= 2 && b.rank >= 2, "matmul: needs operands of rank >= 2, got \(a.shape) and \(b.shape)")
    if b.rank == 2 && a.rank > 2 && !transposeA {
        let lead = Array(a.shape.dropLast())
        let flat = matmul(a.reshaped([-1, a.shape[a.rank - 1]]), b, transposeB: transposeB)
        return flat.reshaped(lead + [flat.shape[1]])
    }
    let batchShape = Array(a.shape.dropLast(2))
    check(
        batchShape == Array(b.shape.dropLast(2)),
        "matmul: batch axes of \(a.shape) and \(b.shape) differ")
    let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (k2, n) = transposeB ? (bc, br) : (br, bc)
    check(
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

/// `x · weight + bias` for `x` `[..., inFeatures]` and `weight` `[inFeatures, outFeatures]`, with
/// one `cblas_sgemm` followed by one pass that adds the bias (and, fused, applies ReLU).
public func linear(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil) -> Tensor {
    linear(x, weight, bias: bias, epilogue: .none)
}

/// `linear` followed by `epilogue` (ReLU) in the same pass over the output.
func linear(_ x: Tensor, _ weight: Tensor, bias: Tensor?, epilogue: Epilogue) -> Tensor {
    check(!epilogue.maxPooling, "linear: pooling cannot follow a matrix product")
    check(weight.rank == 2, "linear: weight must be [in, out], got \(weight.shape)")
    let (k, n) = (weight.shape[0], weight.shape[1])
    check(
        x.rank >= 1 && x.shape[x.rank - 1] == k, "linear: input \(x.shape) does not match weight \(weight.shape)")
    if let bias { check(bias.shape == [n], "linear: bias \(bias.shape) must be [\(n)]") }
    let m = x.count / Swift.max(k, 1)
    let outShape = Array(x.shape.dropLast()) + [n]
    let result = Tensor(uninitializedShape: outShape) { y in
        if k > 0 {
            x.withUnsafeBufferPointer { a in
                weight.withUnsafeBufferPointer { w in
                    // M = rows of x, N = output features, K = input features.
                    sgemm(
                        transposeA: false, transposeB: false, m: m, n: n, k: k,
                        a.baseAddress!, lda: k, w.baseAddress!, ldb: n, y.baseAddress!, ldc: n)
                }
            }
        } else {
            y.initialize(repeating: 0)
        }
        // Bias and ReLU in one pass over the output.
        withOptionalBuffer(bias) { b in
            EpilogueKernel.apply(y.baseAddress!, rows: m, columns: n, bias: b, relu: epilogue.relu)
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.recording(result, inputs: inputs) { outputGradient, tracked in
        let dy = epilogue.relu ? outputGradient.reluBackward(result: result) : outputGradient
        var grads: [Tensor] = []
        dy.withUnsafeBufferPointer { d in
            if tracked[0] {
                grads.append(
                    Tensor(uninitializedShape: x.shape) { dx in
                        weight.withUnsafeBufferPointer { w in
                            // dX = dY · Wᵀ: M = rows, N = in features, K = out features.
                            sgemm(
                                transposeA: false, transposeB: true, m: m, n: k, k: n,
                                d.baseAddress!, lda: n, w.baseAddress!, ldb: n, dx.baseAddress!, ldc: k)
                        }
                    })
            }
            if tracked[1] {
                grads.append(
                    Tensor(uninitializedShape: weight.shape) { dw in
                        x.withUnsafeBufferPointer { a in
                            // dW = Xᵀ · dY: M = in features, N = out features, K = rows.
                            sgemm(
                                transposeA: true, transposeB: false, m: k, n: n, k: m,
                                a.baseAddress!, lda: k, d.baseAddress!, ldb: n, dw.baseAddress!, ldc: n)
                        }
                    })
            }
            if inputs.count == 3 && tracked[2] {
                grads.append(
                    Tensor(uninitializedShape: [n]) { ReductionKernel.sum(d, $0, outer: 1, length: m, inner: n) })
            }
        }
        return grads
    }
}
