/// A fully connected recurrent layer over `x` `[batch, time, features]`:
/// `h_t = activation(x_t · kernel + h_{t-1} · recurrentKernel + bias)`, `h_0 = 0`.
///
/// The input projection for all steps is one GEMM before the loop; each step adds one small
/// GEMM for the recurrent part. Backpropagation through time runs in one pass backwards, with
/// the kernel, recurrent-kernel and input gradients each computed as a single GEMM after it.
///
/// - Parameters:
///   - x: `[batch, time, features]`.
///   - kernel: `[features, units]`.
///   - recurrentKernel: `[units, units]`.
///   - bias: `[units]`.
///   - activation: any element-wise activation (not softmax).
///   - returnSequences: return every step's state `[batch, time, units]`, else the last `[batch, units]`.
///   - goBackwards: process each sequence from its last step to its first, as Keras does; the
///     returned sequence is then in processing order (its step 0 is input position `time - 1`).
///   - mask: `[batch, time]`, 0 where a step is to be skipped: its state (and output) is the
///     previous step's, and no gradient passes through its computation (Keras's masking).
public func simpleRNN(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor,
    activation: ActivationFunction = .tanh, returnSequences: Bool = false, goBackwards: Bool = false,
    mask: Tensor? = nil
) -> Tensor {
    recurrent(
        x, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias, mask: mask,
        cell: SimpleRNNCell(units: recurrentKernel.shape.first ?? 0, activation: .init(activation, op: "simpleRNN")),
        RecurrentOptions(returnSequences: returnSequences, goBackwards: goBackwards), op: "simpleRNN")
}

/// A long short-term memory layer over `x` `[batch, time, features]`, with Keras's gate order
/// i, f, c, o in the `4 * units` columns of `kernel`, `recurrentKernel` and `bias`:
///
///     i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_c)
///     c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
///
/// where `z = x_t · kernel + h_{t-1} · recurrentKernel + bias`. One GEMM projects all steps'
/// inputs; each step adds one `[batch, units] x [units, 4 units]` GEMM.
///
/// - Parameters:
///   - x: `[batch, time, features]`.
///   - kernel: `[features, 4 * units]`.
///   - recurrentKernel: `[units, 4 * units]`.
///   - bias: `[4 * units]`.
///   - returnSequences: return every step's state `[batch, time, units]`, else the last `[batch, units]`.
///   - goBackwards: process each sequence from its last step to its first; the returned sequence
///     is in processing order, as for ``simpleRNN(_:kernel:recurrentKernel:bias:activation:returnSequences:goBackwards:mask:)``.
///   - mask: `[batch, time]`, 0 where a step is skipped: its states `h` and `c` are the previous
///     step's, and no gradient passes through its computation.
public func lstm(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, returnSequences: Bool = false,
    goBackwards: Bool = false, mask: Tensor? = nil
) -> Tensor {
    recurrent(
        x, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias, mask: mask,
        cell: LSTMCell(units: recurrentKernel.shape.first ?? 0),
        RecurrentOptions(returnSequences: returnSequences, goBackwards: goBackwards), op: "lstm")
}

/// A gated recurrent unit over `x` `[batch, time, features]` in Keras's default form
/// (`reset_after = true`), gate order z, r, h in the `3 * units` columns:
///
///     x_z, x_r, x_h = x_t · kernel + bias[0]
///     r_z, r_r, r_h = h_{t-1} · recurrentKernel + bias[1]
///     z = sigmoid(x_z + r_z);  r = sigmoid(x_r + r_r);  ĥ = tanh(x_h + r * r_h)
///     h_t = z * h_{t-1} + (1 - z) * ĥ
///
/// - Parameters:
///   - x: `[batch, time, features]`.
///   - kernel: `[features, 3 * units]`.
///   - recurrentKernel: `[units, 3 * units]`.
///   - bias: `[2, 3 * units]`: the input bias, then the recurrent bias.
///   - returnSequences: return every step's state `[batch, time, units]`, else the last `[batch, units]`.
///   - goBackwards: process each sequence from its last step to its first; the returned sequence
///     is in processing order, as for ``simpleRNN(_:kernel:recurrentKernel:bias:activation:returnSequences:goBackwards:mask:)``.
///   - mask: `[batch, time]`, 0 where a step is skipped: its state is the previous step's, and no
///     gradient passes through its computation.
public func gru(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, returnSequences: Bool = false,
    goBackwards: Bool = false, mask: Tensor? = nil
) -> Tensor {
    recurrent(
        x, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias, mask: mask,
        cell: GRUCell(units: recurrentKernel.shape.first ?? 0),
        RecurrentOptions(returnSequences: returnSequences, goBackwards: goBackwards), op: "gru")
}

/// How a recurrent op runs over its sequence, besides its weights and mask.
struct RecurrentOptions {
    /// Every step's state `[batch, time, units]`, else the last processed step's `[batch, units]`.
    var returnSequences = false
    /// Process from the last step to the first; the returned sequence is in processing order.
    var goBackwards = false
    /// With a mask and `returnSequences`: zeros at masked steps instead of the carried state
    /// (Keras's `zero_output_for_mask`, which its Bidirectional wrapper sets).
    var zeroOutputForMask = false
}

/// The differentiable recurrent op for any cell: validates the shapes, runs `Recurrence`, and
/// records its backward pass. `bias` is `[width]`, or `[2, width]` (input, recurrent) for cells
/// with a separate recurrent projection. The mask is not differentiable.
func recurrent<Cell: RecurrentCell>(
    _ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, mask: Tensor?, cell: Cell,
    _ options: RecurrentOptions, op: String
) -> Tensor {
    check(x.rank == 3, "\(op): expects [batch, time, features], got \(x.shape)")
    let (batch, time, features) = (x.shape[0], x.shape[1], x.shape[2])
    check(batch > 0 && time > 0, "\(op): expects at least one example and one step, got \(x.shape)")
    let (units, width) = (cell.units, cell.width)
    let biasShape = cell.separateRecurrentProjection ? [2, width] : [width]
    check(
        units > 0 && kernel.shape == [features, width] && recurrentKernel.shape == [units, width]
            && bias.shape == biasShape,
        "\(op): kernel \(kernel.shape), recurrent kernel \(recurrentKernel.shape), bias \(bias.shape) do not fit "
            + "input \(x.shape) (expected [\(features), \(width)], [\(units), \(width)], \(biasShape))"
    )
    if let mask { check(mask.shape == [batch, time], "\(op): mask \(mask.shape) must be [\(batch), \(time)]") }
    let recurrence = Recurrence(
        cell: cell, batch: batch, time: time, features: features, goBackwards: options.goBackwards)
    let rows = batch * time
    var gates = uninitializedArray(rows * width)
    var states = uninitializedArray(rows * units)
    // Never empty, so that its pointer exists for cells without a stash.
    var stash = uninitializedArray(Swift.max(rows * cell.stashWidth, 1))
    let inputs = [x, kernel, recurrentKernel, bias]
    withMutableBuffers(&gates, &states, &stash) { g, s, st in
        withBuffers(x, kernel, recurrentKernel, bias, mask, g, s, st) { recurrence.forward($0) }
    }
    let returnSequences = options.returnSequences, zeroOutputForMask = options.zeroOutputForMask
    let outputShape = returnSequences ? [batch, time, units] : [batch, units]
    let output =
        recurrence.outputIsStates(
            returnSequences: returnSequences, zeroOutputForMask: zeroOutputForMask, masked: mask != nil)
        ? Tensor(shape: outputShape, storage: states)
        : Tensor(uninitializedShape: outputShape) { out in
            withReadOnlyBuffers(gates, states, stash) { g, s, st in
                withBuffers(x, kernel, recurrentKernel, bias, mask, g, s, st) { io in
                    recurrence.output(
                        io, returnSequences: returnSequences, zeroOutputForMask: zeroOutputForMask,
                        into: out.baseAddress!)
                }
            }
        }
    return Tensor.recording(output, inputs: inputs) { [gates, states, stash] dOutput, tracked in
        var dGates = uninitializedArray(rows * width)
        var dRecurrent = uninitializedArray(cell.separateRecurrentProjection ? rows * width : 0)
        var dx = uninitializedArray(tracked[0] ? x.count : 0)
        var dw = uninitializedArray(tracked[1] ? kernel.count : 0)
        var dr = uninitializedArray(tracked[2] ? recurrentKernel.count : 0)
        var db = uninitializedArray(tracked[3] ? bias.count : 0)
        withReadOnlyBuffers(gates, states, stash) { g, s, st in
            withBuffers(x, kernel, recurrentKernel, bias, mask, g, s, st) { io in
                withGradientBuffers(&dGates, &dRecurrent, &dx, &dw, &dr, &db) { dg, drec, dxp, dwp, drp, dbp in
                    dOutput.withUnsafeBufferPointer { dy in
                        recurrence.backward(
                            io, outputGradient: dy.baseAddress!, returnSequences: returnSequences,
                            zeroOutputForMask: zeroOutputForMask,
                            RecurrentGradients(
                                gates: dg, recurrent: drec ?? dg, input: dxp, kernel: dwp, recurrentKernel: drp,
                                bias: dbp))
                    }
                }
            }
        }
        var grads: [Tensor] = []
        for (i, (input, gradient)) in zip(inputs, [dx, dw, dr, db]).enumerated() where tracked[i] {
            grads.append(Tensor(shape: input.shape, storage: gradient))
        }
        return grads
    }
}

extension SimpleRNNCell.Activation {
    /// The cell activation for `function`; softmax, not element-wise, stops with a message.
    init(_ function: ActivationFunction, op: String) {
        switch function {
        case .tanh: self = .tanh
        case .sigmoid: self = .sigmoid
        case .relu: self = .relu
        case .linear: self = .linear
        case .softmax: programmingError("\(op): softmax is not an element-wise activation")
        }
    }
}

/// An array of `count` floats whose elements the caller writes before reading.
private func uninitializedArray(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Runs `body` with the op's buffers around the given forward buffers.
private func withBuffers<R>(
    _ x: Tensor, _ kernel: Tensor, _ recurrentKernel: Tensor, _ bias: Tensor, _ mask: Tensor?,
    _ gates: UnsafeMutablePointer<Float>, _ states: UnsafeMutablePointer<Float>, _ stash: UnsafeMutablePointer<Float>,
    _ body: (RecurrentBuffers) -> R
) -> R {
    x.withUnsafeBufferPointer { x in
        kernel.withUnsafeBufferPointer { kernel in
            recurrentKernel.withUnsafeBufferPointer { recurrentKernel in
                bias.withUnsafeBufferPointer { bias in
                    withOptionalBuffer(mask) { mask in
                        body(
                            RecurrentBuffers(
                                input: x.baseAddress!, kernel: kernel.baseAddress!,
                                recurrentKernel: recurrentKernel.baseAddress!, bias: bias.baseAddress!, mask: mask,
                                gates: gates, states: states, stash: stash))
                    }
                }
            }
        }
    }
}

/// Runs `body` with pointers into the forward buffers, to write them.
private func withMutableBuffers<R>(
    _ a: inout [Float], _ b: inout [Float], _ c: inout [Float],
    _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> R
) -> R {
    a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeMutableBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in body(a.baseAddress!, b.baseAddress!, c.baseAddress!) }
        }
    }
}

/// Runs `body` with the forward buffers as the mutable pointers `RecurrentBuffers` holds, for
/// passes that only read them (they are shared with the result and the backward closure).
private func withReadOnlyBuffers<R>(
    _ a: [Float], _ b: [Float], _ c: [Float],
    _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> R
) -> R {
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeBufferPointer { c in
                body(
                    UnsafeMutablePointer(mutating: a.baseAddress!), UnsafeMutablePointer(mutating: b.baseAddress!),
                    UnsafeMutablePointer(mutating: c.baseAddress!))
            }
        }
    }
}

/// The start of `buffer`, or nil when it is empty (an empty array's base address may be either).
private func pointer(_ buffer: UnsafeMutableBufferPointer<Float>) -> UnsafeMutablePointer<Float>? {
    buffer.isEmpty ? nil : buffer.baseAddress
}

/// Runs `body` with pointers into the backward pass's arrays; an empty array gives nil.
private func withGradientBuffers<R>(
    _ a: inout [Float], _ b: inout [Float], _ c: inout [Float], _ d: inout [Float], _ e: inout [Float],
    _ f: inout [Float],
    _ body: (
        UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?,
        UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?
    ) -> R
) -> R {
    a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeMutableBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                d.withUnsafeMutableBufferPointer { d in
                    e.withUnsafeMutableBufferPointer { e in
                        f.withUnsafeMutableBufferPointer { f in
                            body(a.baseAddress!, pointer(b), pointer(c), pointer(d), pointer(e), pointer(f))
                        }
                    }
                }
            }
        }
    }
}
