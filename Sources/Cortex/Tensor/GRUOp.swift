/// A gated recurrent unit over `x` `[batch, time, features]` in Keras's default form
/// (`reset_after = true`), gate order z, r, h in the `3 * units` columns:
///
///     x_z, x_r, x_h = x_t · kernel + bias[0]
///     r_z, r_r, r_h = h_{t-1} · recurrentKernel + bias[1]
///     z = sigmoid(x_z + r_z);  r = sigmoid(x_r + r_r);  ĥ = tanh(x_h + r * r_h)
///     h_t = z * h_{t-1} + (1 - z) * ĥ
///
/// `bias` is `[2, 3 * units]` (input bias, recurrent bias). Returns `[batch, time, units]` when
/// `returnSequences`, else `[batch, units]`.
public func gru(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, returnSequences: Bool = false
) -> Tensor {
    precondition(x.rank == 3, "gru: expects [batch, time, features], got \(x.shape)")
    let (batch, time) = (x.shape[0], x.shape[1])
    let units = recurrentKernel.shape[0], width = 3 * units
    precondition(
        kernel.shape == [x.shape[2], width] && recurrentKernel.shape == [units, width] && bias.shape == [2, width],
        "gru: kernel \(kernel.shape), recurrent kernel \(recurrentKernel.shape), bias \(bias.shape) do not fit input \(x.shape)"
    )
    let gateStride = time * width, stateStride = time * units
    let inputBias = bias.slice(0..<1).reshaped([width]).detached, recurrentBias = bias.storage[width..<(2 * width)]
    // XZ: input projections, then (in place) z, r and ĥ of every step.
    var gates = withoutGradients { linear(x.detached, kernel.detached, bias: inputBias) }.storage
    var recurrentH = [Float](repeating: 0, count: batch * time * units)  // r_h per step, for the backward pass
    var h = recurrentH
    var step = [Float](repeating: 0, count: batch * width)
    gates.withUnsafeMutableBufferPointer { gp in
        h.withUnsafeMutableBufferPointer { hp in
            recurrentH.withUnsafeMutableBufferPointer { rhp in
                step.withUnsafeMutableBufferPointer { sp in
                    recurrentKernel.withUnsafeBufferPointer { r in
                        for t in 0..<time {
                            for b in 0..<batch {
                                for j in 0..<width { sp[b * width + j] = recurrentBias[width + j] }
                            }
                            if t > 0 {
                                // R_t = H_{t-1} · R + b_rec: M = batch, N = 3 units, K = units.
                                sgemm(
                                    transposeA: false, transposeB: false, m: batch, n: width, k: units,
                                    hp.baseAddress! + (t - 1) * units, lda: stateStride, r.baseAddress!, ldb: width,
                                    beta: 1, sp.baseAddress!, ldc: width)
                            }
                            for b in 0..<batch {
                                let g = gp.baseAddress! + b * gateStride + t * width
                                let rec = sp.baseAddress! + b * width
                                for j in 0..<(2 * units) { g[j] += rec[j] }
                                FastMath.apply(g, g, 2 * units, FastMath.sigmoid)
                                let s = b * stateStride + t * units
                                for u in 0..<units {
                                    rhp[s + u] = rec[2 * units + u]
                                    g[2 * units + u] += g[units + u] * rec[2 * units + u]
                                }
                                FastMath.apply(g + 2 * units, g + 2 * units, units, FastMath.tanh)
                                for u in 0..<units {
                                    let previous = t > 0 ? hp[s - units + u] : 0
                                    hp[s + u] = g[u] * previous + (1 - g[u]) * g[2 * units + u]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let output =
        returnSequences
        ? Tensor(shape: [batch, time, units], storage: h)
        : RecurrentSupport.lastStep(h, batch: batch, time: time, units: units)
    return Tensor.recording(output, inputs: [x, kernel, recurrentKernel, bias]) { dOutput, tracked in
        let dH = RecurrentSupport.sequenceGradient(
            dOutput, batch: batch, time: time, units: units, returnSequences: returnSequences)
        var dInput = [Float](repeating: 0, count: batch * time * width)  // w.r.t. x_z, x_r, x_h
        var dRecurrent = dInput  // w.r.t. r_z, r_r, r_h
        var dhNext = [Float](repeating: 0, count: batch * units)
        gates.withUnsafeBufferPointer { gp in
            h.withUnsafeBufferPointer { hp in
                recurrentH.withUnsafeBufferPointer { rhp in
                    recurrentKernel.withUnsafeBufferPointer { r in
                        dInput.withUnsafeMutableBufferPointer { di in
                            dRecurrent.withUnsafeMutableBufferPointer { dr in
                                dhNext.withUnsafeMutableBufferPointer { dn in
                                    for t in (0..<time).reversed() {
                                        for b in 0..<batch {
                                            let g = gp.baseAddress! + b * gateStride + t * width
                                            let o = b * gateStride + t * width
                                            let s = b * stateStride + t * units
                                            for u in 0..<units {
                                                let (z, rr, hh) = (g[u], g[units + u], g[2 * units + u])
                                                let previous = t > 0 ? hp[s - units + u] : 0
                                                let dh = dH[s + u] + dn[b * units + u]
                                                let dz = dh * (previous - hh) * z * (1 - z)
                                                let da = dh * (1 - z) * (1 - hh * hh)
                                                let dReset = da * rhp[s + u] * rr * (1 - rr)
                                                di[o + u] = dz
                                                di[o + units + u] = dReset
                                                di[o + 2 * units + u] = da
                                                dr[o + u] = dz
                                                dr[o + units + u] = dReset
                                                dr[o + 2 * units + u] = da * rr
                                                // The direct path; the GEMM below adds the rest.
                                                dn[b * units + u] = dh * z
                                            }
                                        }
                                        if t > 0 {
                                            // dh_{t-1} += dR_t · Rᵀ: M = batch, N = units, K = 3 units.
                                            sgemm(
                                                transposeA: false, transposeB: true, m: batch, n: units, k: width,
                                                dr.baseAddress! + t * width, lda: gateStride, r.baseAddress!,
                                                ldb: width,
                                                beta: 1, dn.baseAddress!, ldc: units)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RecurrentSupport.gradients(
            x: x, kernel: kernel, tracked: tracked, dZ: dInput, dRecurrent: dRecurrent, hidden: h, batch: batch,
            time: time, units: units, width: width
        ) { inputBiasGradient in
            // The recurrent bias enters every step's recurrent pre-activation, t = 0 included.
            var recurrentBiasGradient = [Float](repeating: 0, count: width)
            dRecurrent.withUnsafeBufferPointer { d in
                recurrentBiasGradient.withUnsafeMutableBufferPointer {
                    ReductionKernel.sum(d, $0, outer: 1, length: batch * time, inner: width)
                }
            }
            return Tensor(inputBiasGradient + recurrentBiasGradient, shape: [2, width])
        }
    }
}
