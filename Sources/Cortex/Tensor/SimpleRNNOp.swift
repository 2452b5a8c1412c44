/// A fully connected recurrent layer over `x` `[batch, time, features]`:
/// `h_t = activation(x_t · kernel + h_{t-1} · recurrentKernel + bias)`, `h_0 = 0`.
///
/// The input projection for all steps is one GEMM before the loop; each step adds one small
/// GEMM for the recurrent part. Backpropagation through time runs in one pass backwards, with
/// the kernel, recurrent-kernel and input gradients each computed as a single GEMM after it.
/// Returns `[batch, time, units]` when `returnSequences`, else the last step `[batch, units]`.
public func simpleRNN(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor,
    activation: ActivationFunction = .tanh, returnSequences: Bool = false
) -> Tensor {
    precondition(x.rank == 3, "simpleRNN: expects [batch, time, features], got \(x.shape)")
    precondition(activation != .softmax, "simpleRNN: softmax is not an element-wise activation")
    let (batch, time) = (x.shape[0], x.shape[1])
    let units = recurrentKernel.shape[0]
    precondition(
        kernel.shape == [x.shape[2], units] && recurrentKernel.shape == [units, units] && bias.shape == [units],
        "simpleRNN: kernel \(kernel.shape), recurrent kernel \(recurrentKernel.shape), bias \(bias.shape) do not fit input \(x.shape)"
    )
    let stride = time * units
    // All steps' input projections at once: H starts as X · W + b, then each step adds its recurrence.
    var h = withoutGradients { linear(x.detached, kernel.detached, bias: bias.detached) }.storage
    h.withUnsafeMutableBufferPointer { hp in
        recurrentKernel.withUnsafeBufferPointer { r in
            let base = hp.baseAddress!
            for t in 0..<time {
                if t > 0 {
                    // H_t += H_{t-1} · R: M = batch, N = units, K = units (rows strided by time * units).
                    sgemm(
                        transposeA: false, transposeB: false, m: batch, n: units, k: units,
                        base + (t - 1) * units, lda: stride, r.baseAddress!, ldb: units, beta: 1, base + t * units,
                        ldc: stride)
                }
                for b in 0..<batch { RecurrentSupport.activate(activation, base + b * stride + t * units, units) }
            }
        }
    }
    let output =
        returnSequences
        ? Tensor(shape: [batch, time, units], storage: h)
        : RecurrentSupport.lastStep(h, batch: batch, time: time, units: units)
    return Tensor.recording(output, inputs: [x, kernel, recurrentKernel, bias]) { dOutput, tracked in
        var dZ = RecurrentSupport.sequenceGradient(
            dOutput, batch: batch, time: time, units: units, returnSequences: returnSequences)
        var dhNext = [Float](repeating: 0, count: batch * units)
        h.withUnsafeBufferPointer { hp in
            recurrentKernel.withUnsafeBufferPointer { r in
                dZ.withUnsafeMutableBufferPointer { dz in
                    dhNext.withUnsafeMutableBufferPointer { dn in
                        for t in (0..<time).reversed() {
                            for b in 0..<batch {
                                let row = b * stride + t * units
                                for u in 0..<units {
                                    let g = dz[row + u] + dn[b * units + u]
                                    dz[row + u] = g * RecurrentSupport.derivative(activation, output: hp[row + u])
                                }
                            }
                            if t > 0 {
                                // dh_{t-1} = dZ_t · Rᵀ: M = batch, N = units, K = units.
                                sgemm(
                                    transposeA: false, transposeB: true, m: batch, n: units, k: units,
                                    dz.baseAddress! + t * units, lda: stride, r.baseAddress!, ldb: units,
                                    dn.baseAddress!, ldc: units)
                            }
                        }
                    }
                }
            }
        }
        return RecurrentSupport.gradients(
            x: x, kernel: kernel, tracked: tracked, dZ: dZ, dRecurrent: dZ, hidden: h, batch: batch, time: time,
            units: units, width: units)
    }
}
