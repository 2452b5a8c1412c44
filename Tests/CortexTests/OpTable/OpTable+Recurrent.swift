@testable import Cortex

/// `Tensor/RecurrentOps.swift` through its public functions: sequences `[batch, time, features]`
/// of one and several steps, full sequences or the last step, forwards and backwards, with and
/// without a mask, every element-wise activation of the simple RNN.
extension OpTable {
    static let recurrent: [OpInfo] = [
        OpInfo(
            "simpleRNN(_:kernel:recurrentKernel:bias:activation:returnSequences:goBackwards:mask:)",
            [ActivationFunction.tanh, .sigmoid, .linear, .relu].flatMap { activation in
                recurrentSamples(
                    "\(activation) ", gates: 1, biasShape: { [$0] }, avoidingReLUKinks: activation == .relu
                ) {
                    simpleRNN(
                        $0, kernel: $1, recurrentKernel: $2, bias: $3, activation: activation, returnSequences: $4,
                        goBackwards: $5, mask: $6)
                }
            }),
        OpInfo(
            "lstm(_:kernel:recurrentKernel:bias:returnSequences:goBackwards:mask:)",
            recurrentSamples(gates: 4, biasShape: { [4 * $0] }) {
                lstm($0, kernel: $1, recurrentKernel: $2, bias: $3, returnSequences: $4, goBackwards: $5, mask: $6)
            }),
        OpInfo(
            "gru(_:kernel:recurrentKernel:bias:returnSequences:goBackwards:mask:)",
            recurrentSamples(gates: 3, biasShape: { [2, 3 * $0] }) {
                gru($0, kernel: $1, recurrentKernel: $2, bias: $3, returnSequences: $4, goBackwards: $5, mask: $6)
            }),
    ]

    /// (batch, time, features, units) combinations, each with full sequences and the last step,
    /// forwards and backwards, with a mask that skips steps (never a whole sequence's last one
    /// in both directions) where the sequence is longer than one step.
    static func recurrentSamples(
        _ prefix: String = "", gates: Int, biasShape: (Int) -> [Int], avoidingReLUKinks: Bool = false,
        _ f: @escaping @Sendable (Tensor, Tensor, Tensor, Tensor, Bool, Bool, Tensor?) -> Tensor
    ) -> [OpSample] {
        [(2, 3, 3, 4), (1, 1, 2, 3), (3, 5, 2, 2)].flatMap { batch, time, features, units in
            let variants: [(Bool, Bool, Bool)] =
                time == 1
                ? [(true, false, false), (false, false, false), (false, true, false)]
                : [(true, false, false), (false, false, false), (true, true, true), (false, true, false), (false, false, true)]
            return variants.map { returnSequences, goBackwards, masked in
                // Example b skips step (b + 1) % time.
                let mask: Tensor? =
                    masked
                    ? Tensor((0..<(batch * time)).map { $0 % time == ($0 / time + 1) % time ? 0 : 1 }, shape: [batch, time])
                    : nil
                func make(_ seed: UInt64) -> [Tensor] {
                    [
                        uniform([batch, time, features], seed: 10 * seed + 1),
                        uniform([features, gates * units], -0.7...0.7, seed: 10 * seed + 2),
                        uniform([units, gates * units], -0.7...0.7, seed: 10 * seed + 3),
                        uniform(biasShape(units), -0.5...0.5, seed: 10 * seed + 4),
                    ]
                }
                // ReLU: every pre-activation 0.02 from the kink, checked step by step.
                let inputs =
                    avoidingReLUKinks ? firstAccepted(make) { reluPreactivationsAvoidZero($0, margin: 0.02) } : make(0)
                return OpSample(
                    "\(prefix)batch \(batch) time \(time) features \(features) units \(units)"
                        + (returnSequences ? " sequences" : " last step") + (goBackwards ? " backwards" : "")
                        + (masked ? " masked" : ""),
                    inputs, shape: returnSequences ? [batch, time, units] : [batch, units],
                    settings: .init(step: avoidingReLUKinks ? 1.0 / 1024 : 1.0 / 128)
                ) { f($0[0], $0[1], $0[2], $0[3], returnSequences, goBackwards, mask) }
            }
        }
    }

    /// Whether a ReLU simple RNN's pre-activations `x_t W + h_{t-1} U + b` all stay `margin`
    /// from zero, computed step by step with primitive ops.
    static func reluPreactivationsAvoidZero(_ inputs: [Tensor], margin: Float) -> Bool {
        let (x, w, u, b) = (inputs[0], inputs[1], inputs[2], inputs[3])
        var h = Tensor(zeros: [x.shape[0], u.shape[0]])
        for t in 0..<x.shape[1] {
            let z = matmul(x.slice(t..<(t + 1), alongAxis: 1).reshaped([x.shape[0], x.shape[2]]), w) + matmul(h, u) + b
            if !z.scalars.allSatisfy({ Swift.abs($0) > margin }) { return false }
            h = relu(z)
        }
        return true
    }
}
