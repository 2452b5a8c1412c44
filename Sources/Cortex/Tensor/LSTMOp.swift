/// A long short-term memory layer over `x` `[batch, time, features]`, with Keras's gate order
/// i, f, c, o in the `4 * units` columns of `kernel`, `recurrentKernel` and `bias`:
///
///     i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_c)
///     c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
///
/// where `z = x_t · kernel + h_{t-1} · recurrentKernel + bias`. One GEMM projects all steps'
/// inputs; each step adds one `[batch, units] x [units, 4 units]` GEMM. Returns
/// `[batch, time, units]` when `returnSequences`, else `[batch, units]`.
public func lstm(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, returnSequences: Bool = false
) -> Tensor {
    precondition(x.rank == 3, "lstm: expects [batch, time, features], got \(x.shape)")
    let (batch, time) = (x.shape[0], x.shape[1])
    let units = recurrentKernel.shape[0], width = 4 * units
    precondition(
        kernel.shape == [x.shape[2], width] && recurrentKernel.shape == [units, width] && bias.shape == [width],
        "lstm: kernel \(kernel.shape), recurrent kernel \(recurrentKernel.shape), bias \(bias.shape) do not fit input \(x.shape)"
    )
    let gateStride = time * width, stateStride = time * units
    // Z holds pre-activations, then (in place) the activated gates i, f, g, o of every step.
    var z = withoutGradients { linear(x.detached, kernel.detached, bias: bias.detached) }.storage
    var h = [Float](repeating: 0, count: batch * time * units)
    var c = h, tanhC = h
    z.withUnsafeMutableBufferPointer { zp in
        h.withUnsafeMutableBufferPointer { hp in
            c.withUnsafeMutableBufferPointer { cp in
                tanhC.withUnsafeMutableBufferPointer { tp in
                    recurrentKernel.withUnsafeBufferPointer { r in
                        for t in 0..<time {
                            if t > 0 {
                                // Z_t += H_{t-1} · R: M = batch, N = 4 units, K = units.
                                sgemm(
                                    transposeA: false, transposeB: false, m: batch, n: width, k: units,
                                    hp.baseAddress! + (t - 1) * units, lda: stateStride, r.baseAddress!, ldb: width,
                                    beta: 1, zp.baseAddress! + t * width, ldc: gateStride)
                            }
                            for b in 0..<batch {
                                let gates = zp.baseAddress! + b * gateStride + t * width
                                FastMath.apply(gates, gates, 2 * units, FastMath.sigmoid)
                                FastMath.apply(gates + 2 * units, gates + 2 * units, units, FastMath.tanh)
                                FastMath.apply(gates + 3 * units, gates + 3 * units, units, FastMath.sigmoid)
                                let s = b * stateStride + t * units
                                for u in 0..<units {
                                    let previous = t > 0 ? cp[s - units + u] : 0
                                    cp[s + u] = gates[units + u] * previous + gates[u] * gates[2 * units + u]
                                }
                                FastMath.apply(cp.baseAddress! + s, tp.baseAddress! + s, units, FastMath.tanh)
                                for u in 0..<units { hp[s + u] = gates[3 * units + u] * tp[s + u] }
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
        var dZ = [Float](repeating: 0, count: batch * time * width)
        var dhNext = [Float](repeating: 0, count: batch * units), dcNext = dhNext
        z.withUnsafeBufferPointer { zp in
            c.withUnsafeBufferPointer { cp in
                tanhC.withUnsafeBufferPointer { tp in
                    recurrentKernel.withUnsafeBufferPointer { r in
                        dZ.withUnsafeMutableBufferPointer { dz in
                            dhNext.withUnsafeMutableBufferPointer { dn in
                                dcNext.withUnsafeMutableBufferPointer { dcn in
                                    for t in (0..<time).reversed() {
                                        for b in 0..<batch {
                                            let gates = zp.baseAddress! + b * gateStride + t * width
                                            let d = dz.baseAddress! + b * gateStride + t * width
                                            let s = b * stateStride + t * units
                                            for u in 0..<units {
                                                let (i, f, g, o) = (
                                                    gates[u], gates[units + u], gates[2 * units + u],
                                                    gates[3 * units + u]
                                                )
                                                let dh = dH[s + u] + dn[b * units + u]
                                                let tc = tp[s + u]
                                                let dc = dcn[b * units + u] + dh * o * (1 - tc * tc)
                                                let previous = t > 0 ? cp[s - units + u] : 0
                                                d[u] = dc * g * i * (1 - i)
                                                d[units + u] = dc * previous * f * (1 - f)
                                                d[2 * units + u] = dc * i * (1 - g * g)
                                                d[3 * units + u] = dh * tc * o * (1 - o)
                                                dcn[b * units + u] = dc * f
                                            }
                                        }
                                        if t > 0 {
                                            // dh_{t-1} = dZ_t · Rᵀ: M = batch, N = units, K = 4 units.
                                            sgemm(
                                                transposeA: false, transposeB: true, m: batch, n: units, k: width,
                                                dz.baseAddress! + t * width, lda: gateStride, r.baseAddress!,
                                                ldb: width,
                                                dn.baseAddress!, ldc: units)
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
            x: x, kernel: kernel, tracked: tracked, dZ: dZ, dRecurrent: dZ, hidden: h, batch: batch, time: time,
            units: units, width: width)
    }
}
