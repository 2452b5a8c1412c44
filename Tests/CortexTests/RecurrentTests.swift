import Testing

@testable import Cortex

/// Step-by-step references written with the differentiable primitives, independent of the
/// fused recurrent ops.
enum Reference {
    /// Step `t` of `x` `[batch, time, features]` as `[batch, features]`.
    static func input(_ x: Tensor, at t: Int) -> Tensor {
        x.slice(t..<(t + 1), alongAxis: 1).reshaped([x.shape[0], x.shape[2]])
    }

    static func gate(_ z: Tensor, _ index: Int, _ units: Int) -> Tensor {
        z.slice((index * units)..<((index + 1) * units), alongAxis: 1)
    }

    /// One SimpleRNN (tanh) step: the new state.
    static func simpleRNNStep(_ xt: Tensor, _ h: Tensor, _ w: Tensor, _ u: Tensor, _ b: Tensor) -> Tensor {
        tanh(matmul(xt, w) + matmul(h, u) + b)
    }

    /// One LSTM step: the new state and cell state.
    static func lstmStep(
        _ xt: Tensor, _ h: Tensor, _ c: Tensor, _ w: Tensor, _ u: Tensor, _ b: Tensor
    ) -> (Tensor, Tensor) {
        let units = u.shape[0]
        let z = matmul(xt, w) + matmul(h, u) + b
        let i = sigmoid(gate(z, 0, units)), f = sigmoid(gate(z, 1, units))
        let g = tanh(gate(z, 2, units)), o = sigmoid(gate(z, 3, units))
        let newC = f * c + i * g
        return (o * tanh(newC), newC)
    }

    /// One GRU step (`reset_after`): the new state.
    static func gruStep(_ xt: Tensor, _ h: Tensor, _ w: Tensor, _ u: Tensor, _ b: Tensor) -> Tensor {
        let units = u.shape[0]
        let xz = matmul(xt, w) + b[0]
        let rz = matmul(h, u) + b[1]
        let z = sigmoid(gate(xz, 0, units) + gate(rz, 0, units))
        let r = sigmoid(gate(xz, 1, units) + gate(rz, 1, units))
        let candidate = tanh(gate(xz, 2, units) + r * gate(rz, 2, units))
        return z * h + (1 - z) * candidate
    }

    /// The loop over time around `step` (input, state, cell state -> state, cell state), in
    /// processing order. A masked step is blended as Keras's backends do,
    /// `state = m * new + (1 - m) * state` with `m` the step's `[batch, 1]` mask column, and
    /// outputs `m * state` with `zeroOutputForMask`.
    static func run(
        _ x: Tensor, units: Int, returnSequences: Bool, goBackwards: Bool = false, mask: Tensor? = nil,
        zeroOutputForMask: Bool = false, _ step: (Tensor, Tensor, Tensor) -> (Tensor, Tensor)
    ) -> Tensor {
        let time = x.shape[1]
        var h = Tensor(zeros: [x.shape[0], units]), c = h
        var outputs: [Tensor] = []
        for s in 0..<time {
            let t = goBackwards ? time - 1 - s : s
            let (newH, newC) = step(input(x, at: t), h, c)
            if let mask {
                let m = mask.slice(t..<(t + 1), alongAxis: 1)
                h = m * newH + (1 - m) * h
                c = m * newC + (1 - m) * c
                outputs.append(zeroOutputForMask ? m * h : h)
            } else {
                (h, c) = (newH, newC)
                outputs.append(h)
            }
        }
        return returnSequences ? Tensor.concatenating(outputs.map { $0.expandingShape(at: 1) }, alongAxis: 1) : h
    }

    static func simpleRNN(_ x: Tensor, _ w: Tensor, _ u: Tensor, _ b: Tensor, returnSequences: Bool) -> Tensor {
        run(x, units: u.shape[0], returnSequences: returnSequences) { xt, h, c in (simpleRNNStep(xt, h, w, u, b), c) }
    }

    static func lstm(_ x: Tensor, _ w: Tensor, _ u: Tensor, _ b: Tensor, returnSequences: Bool) -> Tensor {
        run(x, units: u.shape[0], returnSequences: returnSequences) { xt, h, c in lstmStep(xt, h, c, w, u, b) }
    }

    static func gru(_ x: Tensor, _ w: Tensor, _ u: Tensor, _ b: Tensor, returnSequences: Bool) -> Tensor {
        run(x, units: u.shape[0], returnSequences: returnSequences) { xt, h, c in (gruStep(xt, h, w, u, b), c) }
    }
}

typealias RecurrentFunction = (Tensor, Tensor, Tensor, Tensor, Bool) -> Tensor

/// Compares outputs and all five gradients of `fused` and `reference` on random data.
func compareWithReference(
    gates: Int, biasShape: (Int) -> [Int], fused: RecurrentFunction, reference: RecurrentFunction,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let (batch, time, features, units) = (3, 5, 4, 6)
    for returnSequences in [true, false] {
        let inputs = [
            random([batch, time, features], seed: 1), random([features, gates * units], seed: 2, in: -0.5...0.5),
            random([units, gates * units], seed: 3, in: -0.5...0.5), random(biasShape(units), seed: 4, in: -0.5...0.5),
        ]
        let a = inputs.map { Parameter($0) }, b = inputs.map { Parameter($0) }
        let y1 = fused(a[0].tensor, a[1].tensor, a[2].tensor, a[3].tensor, returnSequences)
        let y2 = reference(b[0].tensor, b[1].tensor, b[2].tensor, b[3].tensor, returnSequences)
        expectClose(y1, y2, tolerance: 1e-5, sourceLocation: sourceLocation)
        let projection = random(y1.shape, seed: 5)
        (y1 * projection).sum().backward()
        (y2 * projection).sum().backward()
        for (p, q) in zip(a, b) { expectClose(p.grad!, q.grad!, tolerance: 1e-4, sourceLocation: sourceLocation) }
    }
}

@Suite struct RecurrentTests {
    @Test func simpleRNNMatchesStepByStepReference() {
        compareWithReference(
            gates: 1, biasShape: { [$0] },
            fused: { simpleRNN($0, kernel: $1, recurrentKernel: $2, bias: $3, returnSequences: $4) },
            reference: { Reference.simpleRNN($0, $1, $2, $3, returnSequences: $4) })
    }

    @Test func lstmMatchesStepByStepReference() {
        compareWithReference(
            gates: 4, biasShape: { [4 * $0] },
            fused: { lstm($0, kernel: $1, recurrentKernel: $2, bias: $3, returnSequences: $4) },
            reference: { Reference.lstm($0, $1, $2, $3, returnSequences: $4) })
    }

    @Test func gruMatchesStepByStepReference() {
        compareWithReference(
            gates: 3, biasShape: { [2, 3 * $0] },
            fused: { gru($0, kernel: $1, recurrentKernel: $2, bias: $3, returnSequences: $4) },
            reference: { Reference.gru($0, $1, $2, $3, returnSequences: $4) })
    }

    @Test func stackedLayersMatchReference() throws {
        let model = Sequential(seed: 10) {
            LSTM(units: 5, returnSequences: true)
            GRU(units: 4, returnSequences: true)
            SimpleRNN(units: 3)
        }
        let x = random([2, 6, 3], seed: 11)
        let y = model(x)
        #expect(y.shape == [2, 3])
        let (l, g, s) = (model.layers[0] as! LSTM, model.layers[1] as! GRU, model.layers[2] as! SimpleRNN)
        let reference = Reference.simpleRNN(
            Reference.gru(
                Reference.lstm(x, l.kernel.value, l.recurrentKernel.value, l.bias.value, returnSequences: true),
                g.kernel.value, g.recurrentKernel.value, g.bias.value, returnSequences: true),
            s.kernel.value, s.recurrentKernel.value, s.bias.value, returnSequences: false)
        expectClose(y, reference, tolerance: 1e-5)
        #expect(model.layers.map(\.name) == ["lstm", "gru", "simple_rnn"])
    }

    @Test func kerasLayoutsAndInitializers() throws {
        let lstmLayer = LSTM(units: 8)
        try lstmLayer.build(inputShape: [5, 3])
        #expect(lstmLayer.kernel.shape == [3, 32])
        #expect(lstmLayer.recurrentKernel.shape == [8, 32])
        #expect(lstmLayer.bias.value.scalars == (0..<32).map { $0 >= 8 && $0 < 16 ? 1 : 0 })
        // Orthogonal recurrent kernel: rows are orthonormal (R Rᵀ = I for [8, 32]).
        let r = lstmLayer.recurrentKernel.value
        expectClose(matmul(r, r, transposeB: true), Tensor(identity: 8), tolerance: 1e-5)
        let gruLayer = GRU(units: 4)
        try gruLayer.build(inputShape: [5, 3])
        #expect(gruLayer.bias.shape == [2, 12])
        let rnn = SimpleRNN(units: 6)
        try rnn.build(inputShape: [5, 3])
        let q = rnn.recurrentKernel.value
        expectClose(matmul(q, q, transposeA: true), Tensor(identity: 6), tolerance: 1e-5)
        #expect(throws: CortexError.self) { try rnn.build(inputShape: [5, 4]) }
        #expect(throws: CortexError.self) { try SimpleRNN(units: 2).build(inputShape: [5]) }
    }
}

extension Tensor {
    init(identity n: Int) {
        self.init((0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 }, shape: [n, n])
    }
}
