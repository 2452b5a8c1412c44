/// The buffers of one recurrent op, valid while it runs. Sequences are batch-major
/// `[batch, time, columns]`: the rows of one time step are strided by `time * columns`, which
/// BLAS takes as the leading dimension, so no per-step copies are made. All sequences are
/// indexed by input position, whatever the direction of processing.
struct RecurrentBuffers {
    /// `x` `[batch, time, features]`.
    let input: UnsafePointer<Float>
    /// `[features, width]`.
    let kernel: UnsafePointer<Float>
    /// `[units, width]`.
    let recurrentKernel: UnsafePointer<Float>
    /// `[width]`, followed by the recurrent bias `[width]` for cells with a separate recurrent
    /// projection.
    let bias: UnsafePointer<Float>
    /// `[batch, time]`: a step whose value is 0 is skipped (the state is carried over); nil
    /// when every step counts.
    let mask: UnsafePointer<Float>?
    /// `[batch, time, width]`: written by the forward pass, read by the backward pass.
    let gates: UnsafeMutablePointer<Float>
    /// `[batch, time, units]`: each step's state, written by the forward pass.
    let states: UnsafeMutablePointer<Float>
    /// `[batch, time, stashWidth]`, written by the forward pass (any pointer when empty).
    let stash: UnsafeMutablePointer<Float>
}

/// Where the backward pass writes: the gradients of the gate pre-activations of every step,
/// and of the op's inputs.
struct RecurrentGradients {
    /// `[batch, time, width]`: the input projection's pre-activation gradients.
    let gates: UnsafeMutablePointer<Float>
    /// `[batch, time, width]`: the separate recurrent projection's, for cells that have one;
    /// else the same pointer as `gates`.
    let recurrent: UnsafeMutablePointer<Float>
    /// `[batch, time, features]`, when wanted.
    let input: UnsafeMutablePointer<Float>?
    /// `[features, width]`, when wanted.
    let kernel: UnsafeMutablePointer<Float>?
    /// `[units, width]`, when wanted.
    let recurrentKernel: UnsafeMutablePointer<Float>?
    /// The bias's shape (`[width]` or `[2, width]`), when wanted.
    let bias: UnsafeMutablePointer<Float>?
}

/// A recurrent layer's computation over a whole sequence for any `RecurrentCell`: the forward
/// pass over time and backpropagation through time, with masking and either direction.
///
/// Forward: one GEMM projects every step's input (`X · kernel + bias`); each step adds one
/// `[batch, units] x [units, width]` GEMM for the recurrent part, then runs the cell on each
/// example. Backward: one pass from the last processed step to the first, with one
/// `[batch, width] x [width, units]` GEMM per step for the state gradient, after which the input,
/// kernel, recurrent-kernel and bias gradients are each a single GEMM or column sum over all
/// steps.
///
/// `goBackwards` processes each sequence from its last step to its first, as Keras does; the
/// op's result is then in processing order. A masked step (mask 0 for that
/// example and step) copies the previous state and stash forward, its output is the previous
/// output (or zeros with `zeroOutputForMask`, what Keras's Bidirectional asks for), and in the
/// backward pass its state gradient passes straight to the step before while its own gates get
/// none.
struct Recurrence<Cell: RecurrentCell> {
    let cell: Cell
    let batch: Int
    let time: Int
    let features: Int
    let goBackwards: Bool
    /// The split of each step's examples over threads, decided once.
    let rows: ParallelLoop

    init(cell: Cell, batch: Int, time: Int, features: Int, goBackwards: Bool) {
        self.cell = cell
        self.batch = batch
        self.time = time
        self.features = features
        self.goBackwards = goBackwards
        // A step's cell work is a few transcendental functions per gate value; below that many
        // values per thread, waking a thread costs more than it saves.
        rows = ParallelLoop(count: batch, minimumPerThread: Swift.max(1, parallelTranscendentalThreshold / cell.width))
    }

    var units: Int { cell.units }
    var width: Int { cell.width }

    /// The input position processed at step `step` (0 is the first processed). The map is its
    /// own inverse: `position(ofStep: t)` is also the step that processes position `t`.
    @inline(__always)
    func position(ofStep step: Int) -> Int { goBackwards ? time - 1 - step : step }

    /// The position processed just before position `t` (for every step but the first).
    @inline(__always)
    func previousPosition(_ t: Int) -> Int { goBackwards ? t + 1 : t - 1 }

    @inline(__always)
    func isMasked(_ io: RecurrentBuffers, _ row: Int) -> Bool {
        guard let mask = io.mask else { return false }
        return mask[row] == 0
    }

    // MARK: Forward

    /// Runs the sequence: fills `gates`, `states` and `stash`.
    func forward(_ io: RecurrentBuffers) {
        let (units, width, stashWidth) = (units, width, cell.stashWidth)
        let rowCount = batch * time
        // All steps' input projections at once: gates = X · kernel + bias, M = batch * time,
        // N = width, K = features.
        for r in 0..<rowCount { (io.gates + r * width).update(from: io.bias, count: width) }
        sgemm(
            transposeA: false, transposeB: false, m: rowCount, n: width, k: features, io.input, lda: features,
            io.kernel, ldb: width, beta: 1, io.gates, ldc: width)
        let separate = cell.separateRecurrentProjection
        // Scratch: the step's separate recurrent projection, then a zero state and stash for the
        // first step.
        let zerosCount = units + stashWidth
        Backend.current.withScratch((separate ? batch * width : 0) + zerosCount) { scratch in
            let projection = scratch.baseAddress!, zeros = projection + (separate ? batch * width : 0)
            zeros.initialize(repeating: 0, count: zerosCount)
            for step in 0..<time {
                let t = position(ofStep: step), previous = previousPosition(t)
                let first = step == 0
                if separate {
                    let recurrentBias = io.bias + width
                    for b in 0..<batch { (projection + b * width).update(from: recurrentBias, count: width) }
                }
                if !first {
                    // (gates_t or the separate projection) += H_previous · R: M = batch, N = width,
                    // K = units, rows of H and gates strided by time.
                    sgemm(
                        transposeA: false, transposeB: false, m: batch, n: width, k: units,
                        io.states + previous * units, lda: time * units, io.recurrentKernel, ldb: width, beta: 1,
                        separate ? projection : io.gates + t * width, ldc: separate ? width : time * width)
                }
                rows.run { _, examples in
                    for b in examples {
                        let row = b * time + t, previousRow = b * time + previous
                        let previousState = first ? zeros : io.states + previousRow * units
                        let previousStash = first ? zeros + units : io.stash + previousRow * stashWidth
                        if isMasked(io, row) {
                            (io.states + row * units).update(from: previousState, count: units)
                            (io.stash + row * stashWidth).update(from: previousStash, count: stashWidth)
                            continue
                        }
                        cell.forward(
                            RecurrentForwardStep(
                                gates: io.gates + row * width, recurrent: separate ? projection + b * width : nil,
                                previousState: previousState, previousStash: previousStash,
                                state: io.states + row * units, stash: io.stash + row * stashWidth))
                    }
                }
            }
        }
    }

    /// The op's result from the states: with `returnSequences` `[batch, time, units]` in
    /// processing order (zeros at masked steps when `zeroOutputForMask`), else the state after
    /// the last processed step, `[batch, units]`.
    func output(
        _ io: RecurrentBuffers, returnSequences: Bool, zeroOutputForMask: Bool, into out: UnsafeMutablePointer<Float>
    ) {
        let units = units
        guard returnSequences else {
            let last = position(ofStep: time - 1)
            for b in 0..<batch { (out + b * units).update(from: io.states + (b * time + last) * units, count: units) }
            return
        }
        for b in 0..<batch {
            for t in 0..<time {
                // The result is in processing order: position t goes to the step that processed it.
                let row = b * time + t, destination = out + (b * time + position(ofStep: t)) * units
                if zeroOutputForMask && isMasked(io, row) {
                    destination.initialize(repeating: 0, count: units)
                } else {
                    destination.update(from: io.states + row * units, count: units)
                }
            }
        }
    }

    /// Whether `output` with these settings equals the states buffer itself.
    func outputIsStates(returnSequences: Bool, zeroOutputForMask: Bool, masked: Bool) -> Bool {
        returnSequences && !goBackwards && !(zeroOutputForMask && masked)
    }

    // MARK: Backward

    /// Backpropagation through time from `outputGradient` (shaped like the op's result) to the
    /// gate gradients of every step, then the gradients of the op's inputs asked for in `grads`.
    func backward(
        _ io: RecurrentBuffers, outputGradient dy: UnsafePointer<Float>, returnSequences: Bool,
        zeroOutputForMask: Bool, _ grads: RecurrentGradients
    ) {
        let (units, width, stashWidth) = (units, width, cell.stashWidth)
        let carriedWidth = cell.carriedGradientWidth, separate = cell.separateRecurrentProjection
        // Scratch: the state gradient and the carried gradient of every example, and a zero state
        // and stash standing for the one before the first step.
        let (stateCount, carriedCount, zerosCount) = (batch * units, batch * carriedWidth, units + stashWidth)
        Backend.current.withScratch(stateCount + carriedCount + zerosCount) { scratch in
            let dState = scratch.baseAddress!, carried = dState + stateCount, zeros = carried + carriedCount
            if returnSequences {
                dState.initialize(repeating: 0, count: stateCount)
            } else {
                dState.initialize(from: dy, count: stateCount)
            }
            carried.initialize(repeating: 0, count: carriedCount + zerosCount)
            for step in (0..<time).reversed() {
                let t = position(ofStep: step), previous = previousPosition(t)
                let first = step == 0
                rows.run { _, examples in
                    for b in examples {
                        let row = b * time + t, previousRow = b * time + previous
                        let dh = dState + b * units
                        let masked = isMasked(io, row)
                        if returnSequences && !(masked && zeroOutputForMask) {
                            let d = dy + (b * time + step) * units
                            for u in 0..<units { dh[u] += d[u] }
                        }
                        if masked {
                            // The state was carried over: its gradient goes on to the step before
                            // unchanged, and this step's gates get none.
                            (grads.gates + row * width).update(repeating: 0, count: width)
                            if separate { (grads.recurrent + row * width).update(repeating: 0, count: width) }
                            continue
                        }
                        cell.backward(
                            RecurrentBackwardStep(
                                gates: io.gates + row * width,
                                previousState: first ? zeros : io.states + previousRow * units,
                                previousStash: first ? zeros + units : io.stash + previousRow * stashWidth,
                                state: io.states + row * units, stash: io.stash + row * stashWidth,
                                stateGradient: dh, carriedGradient: carried + b * carriedWidth,
                                inputGradient: grads.gates + row * width,
                                recurrentGradient: separate ? grads.recurrent + row * width : nil))
                    }
                }
                if !first {
                    // dh_previous += dRecurrent_t · Rᵀ: M = batch, N = units, K = width.
                    sgemm(
                        transposeA: false, transposeB: true, m: batch, n: units, k: width,
                        grads.recurrent + t * width, lda: time * width, io.recurrentKernel, ldb: width, beta: 1,
                        dState, ldc: units)
                }
            }
        }
        weightGradients(io, grads)
    }

    /// The input, kernel, bias and recurrent-kernel gradients from the gate gradients, each as
    /// one GEMM or column sum over all steps.
    private func weightGradients(_ io: RecurrentBuffers, _ grads: RecurrentGradients) {
        let (units, width) = (units, width)
        let rowCount = batch * time
        if let dx = grads.input {
            // dX = dGates · kernelᵀ: M = batch * time, N = features, K = width.
            sgemm(
                transposeA: false, transposeB: true, m: rowCount, n: features, k: width, grads.gates, lda: width,
                io.kernel, ldb: width, dx, ldc: features)
        }
        if let dw = grads.kernel {
            // dKernel = Xᵀ · dGates: M = features, N = width, K = batch * time.
            sgemm(
                transposeA: true, transposeB: false, m: features, n: width, k: rowCount, io.input, lda: features,
                grads.gates, ldb: width, dw, ldc: width)
        }
        if let db = grads.bias {
            ReductionKernel.sum(
                UnsafeBufferPointer(start: grads.gates, count: rowCount * width),
                UnsafeMutableBufferPointer(start: db, count: width), outer: 1, length: rowCount, inner: width)
            if cell.separateRecurrentProjection {
                // The recurrent bias enters every step's recurrent projection, the first included.
                ReductionKernel.sum(
                    UnsafeBufferPointer(start: grads.recurrent, count: rowCount * width),
                    UnsafeMutableBufferPointer(start: db + width, count: width), outer: 1, length: rowCount,
                    inner: width)
            }
        }
        guard let dr = grads.recurrentKernel else { return }
        // dR = Σ_t h_previous(t)ᵀ dRecurrent_t as one GEMM over all rows: the previous position
        // of row r is row r - 1 (r + 1 going backwards); the first processed step has no
        // previous state, so its rows, which would pair with another example's, are zeroed
        // (the other gradients are already taken from them).
        let first = position(ofStep: 0)
        for b in 0..<batch { (grads.recurrent + (b * time + first) * width).update(repeating: 0, count: width) }
        let (states, recurrent) =
            goBackwards
            ? (UnsafePointer(io.states + units), UnsafePointer(grads.recurrent))
            : (UnsafePointer(io.states), UnsafePointer(grads.recurrent + width))
        // M = units, N = width, K = batch * time - 1.
        sgemm(
            transposeA: true, transposeB: false, m: units, n: width, k: rowCount - 1, states, lda: units, recurrent,
            ldb: width, dr, ldc: width)
    }
}
