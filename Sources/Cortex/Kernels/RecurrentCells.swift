/// `h_t = activation(z)`, where `z = x_t · kernel + h_{t-1} · recurrentKernel + bias`.
struct SimpleRNNCell: RecurrentCell {
    /// The element-wise activations a SimpleRNN cell can differentiate through its output.
    enum Activation: Sendable {
        case tanh, sigmoid, relu, linear
    }

    let units: Int
    let activation: Activation

    var width: Int { units }
    var stashWidth: Int { 0 }
    var carriedGradientWidth: Int { 0 }
    var separateRecurrentProjection: Bool { false }

    @inline(__always)
    func forward(_ step: RecurrentForwardStep) {
        let (z, h) = (step.gates, step.state)
        switch activation {
        case .tanh: FastMath.apply(z, h, units, FastMath.tanh)
        case .sigmoid: FastMath.apply(z, h, units, FastMath.sigmoid)
        case .relu: for u in 0..<units { h[u] = z[u] < 0 ? 0 : z[u] }
        case .linear: h.update(from: z, count: units)
        }
    }

    @inline(__always)
    func backward(_ step: RecurrentBackwardStep) {
        let (h, dh, dz) = (step.state, step.stateGradient, step.inputGradient)
        // The derivative through the output y = h_t.
        switch activation {
        case .tanh: for u in 0..<units { dz[u] = dh[u] * (1 - h[u] * h[u]) }
        case .sigmoid: for u in 0..<units { dz[u] = dh[u] * (h[u] * (1 - h[u])) }
        case .relu: for u in 0..<units { dz[u] = h[u] > 0 ? dh[u] : 0 }
        case .linear: dz.update(from: dh, count: units)
        }
        dh.update(repeating: 0, count: units)
    }
}

/// Long short-term memory with Keras's gate order i, f, c, o in the `4 * units` gate columns:
///
///     i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_c)
///     c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
///
/// The stash holds `c_t` and `tanh(c_t)`; the carried gradient is that of `c_t`.
struct LSTMCell: RecurrentCell {
    let units: Int

    var width: Int { 4 * units }
    var stashWidth: Int { 2 * units }
    var carriedGradientWidth: Int { units }
    var separateRecurrentProjection: Bool { false }

    @inline(__always)
    func forward(_ step: RecurrentForwardStep) {
        let n = units
        let gates = step.gates, c = step.stash, tanhC = step.stash + n, previous = step.previousStash
        FastMath.apply(gates, gates, 2 * n, FastMath.sigmoid)
        FastMath.apply(gates + 2 * n, gates + 2 * n, n, FastMath.tanh)
        FastMath.apply(gates + 3 * n, gates + 3 * n, n, FastMath.sigmoid)
        for u in 0..<n { c[u] = gates[n + u] * previous[u] + gates[u] * gates[2 * n + u] }
        FastMath.apply(c, tanhC, n, FastMath.tanh)
        for u in 0..<n { step.state[u] = gates[3 * n + u] * tanhC[u] }
    }

    @inline(__always)
    func backward(_ step: RecurrentBackwardStep) {
        let n = units
        let gates = step.gates, tanhC = step.stash + n, previous = step.previousStash
        let (dh, dc, d) = (step.stateGradient, step.carriedGradient, step.inputGradient)
        for u in 0..<n {
            let (i, f, g, o) = (gates[u], gates[n + u], gates[2 * n + u], gates[3 * n + u])
            let tc = tanhC[u]
            let dcTotal = dc[u] + dh[u] * o * (1 - tc * tc)
            d[u] = dcTotal * g * i * (1 - i)
            d[n + u] = dcTotal * previous[u] * f * (1 - f)
            d[2 * n + u] = dcTotal * i * (1 - g * g)
            d[3 * n + u] = dh[u] * tc * o * (1 - o)
            dc[u] = dcTotal * f
            dh[u] = 0
        }
    }
}

/// Gated recurrent unit in Keras's default form (`reset_after = true`), gate order z, r, h in
/// the `3 * units` columns, with the recurrent projection `r_* = h_{t-1} · recurrentKernel +
/// recurrentBias` kept apart from the input projection `x_*`:
///
///     z = sigmoid(x_z + r_z);  r = sigmoid(x_r + r_r);  ĥ = tanh(x_h + r * r_h)
///     h_t = z * h_{t-1} + (1 - z) * ĥ
///
/// The stash holds `r_h`.
struct GRUCell: RecurrentCell {
    let units: Int

    var width: Int { 3 * units }
    var stashWidth: Int { units }
    var carriedGradientWidth: Int { 0 }
    var separateRecurrentProjection: Bool { true }

    @inline(__always)
    func forward(_ step: RecurrentForwardStep) {
        let n = units
        let g = step.gates, recurrent = step.recurrent!, previous = step.previousState
        for j in 0..<(2 * n) { g[j] += recurrent[j] }
        FastMath.apply(g, g, 2 * n, FastMath.sigmoid)
        for u in 0..<n {
            step.stash[u] = recurrent[2 * n + u]
            g[2 * n + u] += g[n + u] * recurrent[2 * n + u]
        }
        FastMath.apply(g + 2 * n, g + 2 * n, n, FastMath.tanh)
        for u in 0..<n { step.state[u] = g[u] * previous[u] + (1 - g[u]) * g[2 * n + u] }
    }

    @inline(__always)
    func backward(_ step: RecurrentBackwardStep) {
        let n = units
        let g = step.gates, previous = step.previousState, recurrentH = step.stash
        let (dh, di, dr) = (step.stateGradient, step.inputGradient, step.recurrentGradient!)
        for u in 0..<n {
            let (z, r, candidate) = (g[u], g[n + u], g[2 * n + u])
            let dz = dh[u] * (previous[u] - candidate) * z * (1 - z)
            let da = dh[u] * (1 - z) * (1 - candidate * candidate)
            let dReset = da * recurrentH[u] * r * (1 - r)
            di[u] = dz
            di[n + u] = dReset
            di[2 * n + u] = da
            dr[u] = dz
            dr[n + u] = dReset
            dr[2 * n + u] = da * r
            // The direct path; the recurrent kernel's part is added by `Recurrence`.
            dh[u] = dh[u] * z
        }
    }
}
