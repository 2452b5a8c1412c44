/// Shared shape handling of the recurrent layers: input `[batch, time, features]`, output
/// `[batch, time, units]` with `returnSequences`, else `[batch, units]`.
open class RecurrentLayer: Layer {
    public let units: Int
    public let returnSequences: Bool
    /// Columns per weight matrix: `units` times the number of gates.
    var gateCount: Int { 1 }

    /// `[features, gates * units]`, Glorot-uniform.
    public let kernel = Parameter(declared: "kernel")
    /// `[units, gates * units]`, orthogonal.
    public let recurrentKernel = Parameter(declared: "recurrent_kernel")
    /// Zeros, `[gates * units]` (`[2, 3 * units]` for GRU).
    public let bias = Parameter(declared: "bias")

    init(units: Int, returnSequences: Bool, name: String?) {
        check(units > 0, "recurrent layers need positive units, got \(units)")
        self.units = units
        self.returnSequences = returnSequences
        super.init(name: name)
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

    public init(units: Int, activation: ActivationFunction = .tanh, returnSequences: Bool = false, name: String? = nil)
    {
        check(activation != .softmax, "SimpleRNN: softmax is not an element-wise activation")
        self.activation = activation
        super.init(units: units, returnSequences: returnSequences, name: name)
    }

    public override class var baseName: String { "simple_rnn" }

    public override func forward(_ input: Tensor) -> Tensor {
        simpleRNN(
            input, kernel: kernel.tensor, recurrentKernel: recurrentKernel.tensor, bias: bias.tensor,
            activation: activation, returnSequences: returnSequences)
    }
}

/// Long short-term memory, Keras's gate order i, f, c, o (see ``lstm(_:kernel:recurrentKernel:bias:returnSequences:)``).
///
/// Kernel `[features, 4 * units]` (Glorot-uniform), recurrent kernel `[units, 4 * units]`
/// (orthogonal), bias `[4 * units]`: zeros except ones for the forget gate (Keras's `unit_forget_bias`).
public final class LSTM: RecurrentLayer {
    public override init(units: Int, returnSequences: Bool = false, name: String? = nil) {
        super.init(units: units, returnSequences: returnSequences, name: name)
    }

    public override class var baseName: String { "lstm" }
    override var gateCount: Int { 4 }

    override func initialBias() -> Tensor {
        Tensor((0..<(4 * units)).map { $0 >= units && $0 < 2 * units ? 1 : 0 })
    }

    public override func forward(_ input: Tensor) -> Tensor {
        lstm(
            input, kernel: kernel.tensor, recurrentKernel: recurrentKernel.tensor, bias: bias.tensor,
            returnSequences: returnSequences)
    }
}

/// Gated recurrent unit in Keras's default `reset_after = true` form, gate order z, r, h
/// (see ``gru(_:kernel:recurrentKernel:bias:returnSequences:)``).
///
/// Kernel `[features, 3 * units]` (Glorot-uniform), recurrent kernel `[units, 3 * units]`
/// (orthogonal), bias `[2, 3 * units]` (input and recurrent biases, zeros).
public final class GRU: RecurrentLayer {
    public override init(units: Int, returnSequences: Bool = false, name: String? = nil) {
        super.init(units: units, returnSequences: returnSequences, name: name)
    }

    public override class var baseName: String { "gru" }
    override var gateCount: Int { 3 }
    override func initialBias() -> Tensor { Tensor(zeros: [2, 3 * units]) }

    public override func forward(_ input: Tensor) -> Tensor {
        gru(
            input, kernel: kernel.tensor, recurrentKernel: recurrentKernel.tensor, bias: bias.tensor,
            returnSequences: returnSequences)
    }
}
