/// Shared shape handling of the recurrent layers: input `[batch, time, features]`, output
/// `[batch, time, units]` with `returnSequences`, else `[batch, units]`.
open class RecurrentLayer: Layer {
    public let units: Int
    public let returnSequences: Bool
    /// Whether each sequence is processed from its last step to its first (Keras's
    /// `go_backwards`). The returned sequence is then in processing order, as in Keras: its step 0
    /// is the state after the input's last step; Keras's `Bidirectional` reverses it back.
    public let goBackwards: Bool
    /// With a mask and `returnSequences`: zeros at masked steps instead of the carried state
    /// (Keras's `zero_output_for_mask`, which its `Bidirectional` sets on both directions).
    var zeroOutputForMask = false
    /// Columns per weight matrix: `units` times the number of gates.
    var gateCount: Int { 1 }

    /// `[features, gates * units]`, Glorot-uniform.
    public let kernel = Parameter(declared: "kernel")
    /// `[units, gates * units]`, orthogonal.
    public let recurrentKernel = Parameter(declared: "recurrent_kernel")
    /// Zeros, `[gates * units]` (`[2, 3 * units]` for GRU).
    public let bias = Parameter(declared: "bias")

    init(units: Int, returnSequences: Bool, goBackwards: Bool, name: String?) {
        check(units > 0, "recurrent layers need positive units, got \(units)")
        self.units = units
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
        super.init(name: name)
    }

    /// How the op runs over the sequence.
    var options: RecurrentOptions {
        RecurrentOptions(
            returnSequences: returnSequences, goBackwards: goBackwards, zeroOutputForMask: zeroOutputForMask)
    }

    public override func forward(_ input: Tensor) -> Tensor { forward(input, mask: nil) }

    /// The computation with an optional mask `[batch, time]`: where it is 0 the step is skipped
    /// (the state and output are the previous step's, and no gradient passes through the
    /// step's own computation), as Keras does for masks from `Embedding(mask_zero=True)`.
    /// Subclasses run their op here.
    func forward(_ input: Tensor, mask: Tensor?) -> Tensor {
        programmingError("\(type(of: self)) does not override forward(_:mask:)")
    }

    /// Runs the layer on a batch with a mask, building it first if needed.
    func callAsFunction(_ input: Tensor, mask: Tensor?) -> Tensor {
        buildForBatch(input)
        return forward(input, mask: mask)
    }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[0] > 0 else {
            throw shapeError(expected: "[*, timesteps, features]", got: inputShape)
        }
        if kernel.isBuilt, kernel.shape[0] != inputShape[1] {
            throw shapeError(expected: "[*, timesteps, \(kernel.shape[0])]", got: inputShape)
        }
        return returnSequences ? [inputShape[0], units] : [units]
    }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        let features = inputShape[1], width = gateCount * units
        kernel.build(Initializer.glorotUniform([features, width], fanIn: features, fanOut: width, using: &generator))
        recurrentKernel.build(Initializer.orthogonal(rows: units, cols: width, using: &generator))
        bias.build(initialBias())
    }

    func initialBias() -> Tensor { Tensor(zeros: [gateCount * units]) }
}

/// A fully connected recurrent layer: `h_t = activation(x_t · kernel + h_{t-1} · recurrentKernel + bias)`.
///
/// Input `[batch, timesteps, features]`; output `[batch, timesteps, units]` when
/// `returnSequences`, else the last state `[batch, units]`. Kernel `[features, units]`
/// (Glorot-uniform), recurrent kernel `[units, units]` (orthogonal), bias `[units]` (zeros).
public final class SimpleRNN: RecurrentLayer {
    public let activation: ActivationFunction

    /// Creates a SimpleRNN layer.
    ///
    /// - Parameters:
    ///   - units: the state size.
    ///   - activation: any element-wise activation (not softmax).
    ///   - returnSequences: return every step's state, else only the last.
    ///   - goBackwards: process each sequence from its last step to its first (see ``RecurrentLayer/goBackwards``).
    ///   - name: the layer's name (default `simple_rnn`, ... within its model).
    public init(
        units: Int, activation: ActivationFunction = .tanh, returnSequences: Bool = false, goBackwards: Bool = false,
        name: String? = nil
    ) {
        check(activation != .softmax, "SimpleRNN: softmax is not an element-wise activation")
        self.activation = activation
        super.init(units: units, returnSequences: returnSequences, goBackwards: goBackwards, name: name)
    }

    public override class var baseName: String { "simple_rnn" }

    override func forward(_ input: Tensor, mask: Tensor?) -> Tensor {
        recurrent(
            input, kernel: kernel.tensor, recurrentKernel: recurrentKernel.tensor, bias: bias.tensor, mask: mask,
            cell: SimpleRNNCell(units: units, activation: .init(activation, op: name)), options, op: name)
    }
}

/// Long short-term memory, Keras's gate order i, f, c, o
/// (see ``lstm(_:kernel:recurrentKernel:bias:returnSequences:goBackwards:mask:)``).
///
/// Kernel `[features, 4 * units]` (Glorot-uniform), recurrent kernel `[units, 4 * units]`
/// (orthogonal), bias `[4 * units]`: zeros except ones for the forget gate (Keras's `unit_forget_bias`).
public final class LSTM: RecurrentLayer {
    /// Creates an LSTM layer.
    ///
    /// - Parameters:
    ///   - units: the state size.
    ///   - returnSequences: return every step's state, else only the last.
    ///   - goBackwards: process each sequence from its last step to its first (see ``RecurrentLayer/goBackwards``).
    ///   - name: the layer's name (default `lstm`, ... within its model).
    public override init(units: Int, returnSequences: Bool = false, goBackwards: Bool = false, name: String? = nil) {
        super.init(units: units, returnSequences: returnSequences, goBackwards: goBackwards, name: name)
    }

    public override class var baseName: String { "lstm" }
    override var gateCount: Int { 4 }

    override func initialBias() -> Tensor {
        Tensor((0..<(4 * units)).map { $0 >= units && $0 < 2 * units ? 1 : 0 })
    }

    override func forward(_ input: Tensor, mask: Tensor?) -> Tensor {
        recurrent(
            input, kernel: kernel.tensor, recurrentKernel: recurrentKernel.tensor, bias: bias.tensor, mask: mask,
            cell: LSTMCell(units: units), options, op: name)
    }
}

/// Gated recurrent unit in Keras's default `reset_after = true` form, gate order z, r, h
/// (see ``gru(_:kernel:recurrentKernel:bias:returnSequences:goBackwards:mask:)``).
///
/// Kernel `[features, 3 * units]` (Glorot-uniform), recurrent kernel `[units, 3 * units]`
/// (orthogonal), bias `[2, 3 * units]` (input and recurrent biases, zeros).
public final class GRU: RecurrentLayer {
    /// Creates a GRU layer.
    ///
    /// - Parameters:
    ///   - units: the state size.
    ///   - returnSequences: return every step's state, else only the last.
    ///   - goBackwards: process each sequence from its last step to its first (see ``RecurrentLayer/goBackwards``).
    ///   - name: the layer's name (default `gru`, ... within its model).
    public override init(units: Int, returnSequences: Bool = false, goBackwards: Bool = false, name: String? = nil) {
        super.init(units: units, returnSequences: returnSequences, goBackwards: goBackwards, name: name)
    }

    public override class var baseName: String { "gru" }
    override var gateCount: Int { 3 }
    override func initialBias() -> Tensor { Tensor(zeros: [2, 3 * units]) }

    override func forward(_ input: Tensor, mask: Tensor?) -> Tensor {
        recurrent(
            input, kernel: kernel.tensor, recurrentKernel: recurrentKernel.tensor, bias: bias.tensor, mask: mask,
            cell: GRUCell(units: units), options, op: name)
    }
}
