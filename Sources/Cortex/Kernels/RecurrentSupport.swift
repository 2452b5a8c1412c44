/// Shared pieces of the recurrent ops. Sequences are batch-major `[batch, time, width]`; the
/// rows of one time step are therefore strided by `time * width`, which BLAS takes as the
/// leading dimension, so no per-step copies are made.
enum RecurrentSupport {
    /// The gradient with respect to every step's output: `dOutput` itself for full sequences,
    /// else zeros with `dOutput` at the last step.
    static func sequenceGradient(_ dOutput: Tensor, batch: Int, time: Int, units: Int, returnSequences: Bool) -> [Float]
    {
        if returnSequences { return dOutput.storage }
        var full = [Float](repeating: 0, count: batch * time * units)
        dOutput.withUnsafeBufferPointer { d in
            for b in 0..<batch {
                for u in 0..<units { full[(b * time + time - 1) * units + u] = d[b * units + u] }
            }
        }
        return full
    }

    /// The last step `[batch, units]` of a `[batch, time, units]` buffer.
    static func lastStep(_ h: [Float], batch: Int, time: Int, units: Int) -> Tensor {
        Tensor(uninitializedShape: [batch, units]) { out in
            h.withUnsafeBufferPointer { hp in
                for b in 0..<batch {
                    (out.baseAddress! + b * units).update(
                        from: hp.baseAddress! + (b * time + time - 1) * units, count: units)
                }
            }
        }
    }

    /// The recurrent-kernel gradient `Σ_t h_{t-1}ᵀ dZ_t` as one GEMM: the rows of `dZ` at t = 0
    /// are zeroed (no previous state), then row r of `h` pairs with row r + 1 of `dZ`.
    static func recurrentKernelGradient(
        hidden h: UnsafePointer<Float>, preactivationGradient dZ: [Float], batch: Int, time: Int, units: Int, width: Int
    ) -> Tensor {
        var shifted = dZ
        for b in 0..<batch { for j in 0..<width { shifted[b * time * width + j] = 0 } }
        return Tensor(uninitializedShape: [units, width]) { dR in
            shifted.withUnsafeBufferPointer { s in
                // dR = H[0..<BT-1]ᵀ · dZ[1..<BT]: M = units, N = width, K = batch * time - 1.
                if batch * time > 1 {
                    sgemm(
                        transposeA: true, transposeB: false, m: units, n: width, k: batch * time - 1,
                        h, lda: units, s.baseAddress! + width, ldb: width, dR.baseAddress!, ldc: width)
                } else {
                    dR.initialize(repeating: 0)
                }
            }
        }
    }

    /// The gradients of a recurrent op's inputs `[x, kernel, recurrentKernel, bias]`, for those
    /// `tracked`: the input projection's from `dZ` (`[batch * time, width]`), the recurrent
    /// kernel's from `dRecurrent` paired with the hidden states `h`, and the bias's as
    /// `bias(column sums of dZ)`.
    static func gradients(
        x: Tensor, kernel: Tensor, tracked: [Bool], dZ: [Float], dRecurrent: [Float], hidden h: [Float],
        batch: Int, time: Int, units: Int, width: Int, bias: ([Float]) -> Tensor = { Tensor($0) }
    ) -> [Tensor] {
        let projection = projectionGradients(x: x, kernel: kernel, dZ: dZ, width: width, tracked: tracked)
        var grads: [Tensor] = []
        if let dX = projection.dX { grads.append(dX) }
        if let dW = projection.dW { grads.append(dW) }
        if tracked[2] {
            grads.append(
                h.withUnsafeBufferPointer {
                    recurrentKernelGradient(
                        hidden: $0.baseAddress!, preactivationGradient: dRecurrent, batch: batch, time: time,
                        units: units, width: width)
                })
        }
        if tracked[3] { grads.append(bias(projection.db)) }
        return grads
    }

    /// Gradients of the input projection `X · W + b` given the pre-activation gradient
    /// `dZ` `[batch * time, width]`: `[dX, dW, db]` for the tracked inputs among `tracked`.
    private static func projectionGradients(
        x: Tensor, kernel: Tensor, dZ: [Float], width: Int, tracked: [Bool], biasRows: Int = 1
    ) -> (dX: Tensor?, dW: Tensor?, db: [Float]) {
        let rows = x.count / x.shape[x.rank - 1], features = x.shape[x.rank - 1]
        var dX: Tensor?, dW: Tensor?
        var db = [Float](repeating: 0, count: width)
        dZ.withUnsafeBufferPointer { d in
            if tracked[0] {
                dX = Tensor(uninitializedShape: x.shape) { dx in
                    kernel.withUnsafeBufferPointer { w in
                        // dX = dZ · Wᵀ: M = rows, N = features, K = width.
                        sgemm(
                            transposeA: false, transposeB: true, m: rows, n: features, k: width,
                            d.baseAddress!, lda: width, w.baseAddress!, ldb: width, dx.baseAddress!, ldc: features)
                    }
                }
            }
            if tracked[1] {
                dW = Tensor(uninitializedShape: kernel.shape) { dw in
                    x.withUnsafeBufferPointer { xp in
                        // dW = Xᵀ · dZ: M = features, N = width, K = rows.
                        sgemm(
                            transposeA: true, transposeB: false, m: features, n: width, k: rows,
                            xp.baseAddress!, lda: features, d.baseAddress!, ldb: width, dw.baseAddress!, ldc: width)
                    }
                }
            }
            db.withUnsafeMutableBufferPointer { ReductionKernel.sum(d, $0, outer: 1, length: rows, inner: width) }
        }
        return (dX, dW, db)
    }

    /// The derivative of an activation expressed through its output `y`.
    @inline(__always)
    static func derivative(_ activation: ActivationFunction, output y: Float) -> Float {
        switch activation {
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return y > 0 ? 1 : 0
        case .linear, .softmax: return 1
        }
    }

    /// Applies an element-wise activation to `count` floats in place.
    @inline(__always)
    static func activate(_ activation: ActivationFunction, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        switch activation {
        case .tanh: FastMath.apply(p, p, count, FastMath.tanh)
        case .sigmoid: FastMath.apply(p, p, count, FastMath.sigmoid)
        case .relu: for i in 0..<count where p[i] < 0 { p[i] = 0 }
        case .linear, .softmax: break
        }
    }
}
