/// The element-wise work of one recurrent cell (SimpleRNN, LSTM, GRU) for one example at one
/// time step, forward and backward. Everything around it (the input projection of all steps,
/// the recurrent GEMM of each step, the order of the steps, masking, backpropagation through
/// time and the weight gradients) is `Recurrence`'s, written once for every cell.
///
/// A cell sees `width` gate pre-activations per step: the input projection `x_t · kernel + bias`,
/// to which `Recurrence` adds the recurrent projection `h_{t-1} · recurrentKernel` in place,
/// unless the cell keeps it apart (``separateRecurrentProjection``, GRU's `reset_after`). Besides
/// its output state `h_t` (`units` values, also the layer's output) a cell keeps ``stashWidth``
/// values per step (LSTM: the cell state and its tanh; GRU: the reset gate's recurrent input),
/// and its backward step carries ``carriedGradientWidth`` values from step to step besides the
/// state gradient (LSTM: the cell state's gradient).
protocol RecurrentCell {
    /// The state size.
    var units: Int { get }
    /// Gate columns per step: the width of `kernel`, `recurrentKernel` and the input bias.
    var width: Int { get }
    /// Values kept per step besides the state; a masked step copies them from the step before.
    var stashWidth: Int { get }
    /// Gradient values carried backwards from step to step besides the state gradient.
    var carriedGradientWidth: Int { get }
    /// Whether the recurrent projection (plus a recurrent bias, the bias's second row) reaches the
    /// cell apart from the input projection instead of added to it.
    var separateRecurrentProjection: Bool { get }

    /// Computes one example's step: `h_t` and the stash from the gates and the previous step.
    func forward(_ step: RecurrentForwardStep)
    /// The gradients of one example's step, from the gradient of its state.
    func backward(_ step: RecurrentBackwardStep)
}

/// Where a cell's forward step reads and writes, for one example at one step. The previous
/// state and stash are zeros at the first step.
struct RecurrentForwardStep {
    /// `width` gate pre-activations; the cell may overwrite them with what its backward step
    /// needs (the activated gates).
    let gates: UnsafeMutablePointer<Float>
    /// The separate recurrent projection `h_{t-1} · recurrentKernel + recurrentBias` (`width`),
    /// for cells with ``RecurrentCell/separateRecurrentProjection``; else nil.
    let recurrent: UnsafePointer<Float>?
    /// `h_{t-1}`, `units` values.
    let previousState: UnsafePointer<Float>
    /// The previous step's stash.
    let previousStash: UnsafePointer<Float>
    /// `h_t`, `units` values, written.
    let state: UnsafeMutablePointer<Float>
    /// This step's stash, written.
    let stash: UnsafeMutablePointer<Float>
}

/// Where a cell's backward step reads and writes, for one example at one step: the forward
/// step's buffers (read) and the gradients.
struct RecurrentBackwardStep {
    /// The gates as the forward step left them.
    let gates: UnsafePointer<Float>
    let previousState: UnsafePointer<Float>
    let previousStash: UnsafePointer<Float>
    let state: UnsafePointer<Float>
    let stash: UnsafePointer<Float>
    /// In: the gradient of `h_t`. Out: the part of the gradient of `h_{t-1}` that does not pass
    /// through the recurrent kernel (zeros for cells whose new state does not use `h_{t-1}`
    /// directly); `Recurrence` adds the recurrent kernel's part.
    let stateGradient: UnsafeMutablePointer<Float>
    /// In: the carried gradient from step `t + 1`; out: the one for step `t - 1`.
    let carriedGradient: UnsafeMutablePointer<Float>
    /// Out: the gradient of the gates' input projection (`width`).
    let inputGradient: UnsafeMutablePointer<Float>
    /// Out: the gradient of the separate recurrent projection (`width`), for cells that have
    /// one; nil when it equals ``inputGradient``.
    let recurrentGradient: UnsafeMutablePointer<Float>?
}
