import Foundation
import Testing

@testable import Cortex

/// The three recurrent cells, for tests that run each of them the same way.
enum RecurrentKind: CaseIterable, CustomTestStringConvertible, Sendable {
    case simpleRNN, lstm, gru

    var testDescription: String { "\(self)" }
    var gates: Int {
        switch self {
        case .simpleRNN: 1
        case .lstm: 4
        case .gru: 3
        }
    }
    func biasShape(_ units: Int) -> [Int] { self == .gru ? [2, 3 * units] : [gates * units] }

    /// `[x, kernel, recurrentKernel, bias]` for these sizes, random.
    func inputs(batch: Int, time: Int, features: Int, units: Int, seed: UInt64) -> [Tensor] {
        [
            random([batch, time, features], seed: seed),
            random([features, gates * units], seed: seed + 1, in: -0.5...0.5),
            random([units, gates * units], seed: seed + 2, in: -0.5...0.5),
            random(biasShape(units), seed: seed + 3, in: -0.5...0.5),
        ]
    }

    /// The fused op.
    func fused(
        _ p: [Tensor], returnSequences: Bool, goBackwards: Bool = false, mask: Tensor? = nil,
        zeroOutputForMask: Bool = false
    ) -> Tensor {
        let options = RecurrentOptions(
            returnSequences: returnSequences, goBackwards: goBackwards, zeroOutputForMask: zeroOutputForMask)
        let units = p[2].shape[0]
        switch self {
        case .simpleRNN:
            return recurrent(
                p[0], kernel: p[1], recurrentKernel: p[2], bias: p[3], mask: mask,
                cell: SimpleRNNCell(units: units, activation: .tanh), options, op: "simpleRNN")
        case .lstm:
            return recurrent(
                p[0], kernel: p[1], recurrentKernel: p[2], bias: p[3], mask: mask, cell: LSTMCell(units: units),
                options, op: "lstm")
        case .gru:
            return recurrent(
                p[0], kernel: p[1], recurrentKernel: p[2], bias: p[3], mask: mask, cell: GRUCell(units: units),
                options, op: "gru")
        }
    }

    /// A layer of this kind, built for `[time, features]`, with weights drawn from `seed`.
    func layer(
        units: Int, returnSequences: Bool, goBackwards: Bool, time: Int, features: Int, seed: UInt64
    ) throws -> RecurrentLayer {
        let layer: RecurrentLayer =
            switch self {
            case .simpleRNN: SimpleRNN(units: units, returnSequences: returnSequences, goBackwards: goBackwards)
            case .lstm: LSTM(units: units, returnSequences: returnSequences, goBackwards: goBackwards)
            case .gru: GRU(units: units, returnSequences: returnSequences, goBackwards: goBackwards)
            }
        try layer.build(inputShape: [time, features])
        let values = inputs(batch: 1, time: 1, features: features, units: units, seed: seed)
        layer.kernel.value = values[1]
        layer.recurrentKernel.value = values[2]
        layer.bias.value = values[3]
        return layer
    }

    /// The step-by-step reference of `RecurrentTests`, independent of `Recurrence`.
    func reference(
        _ p: [Tensor], returnSequences: Bool, goBackwards: Bool = false, mask: Tensor? = nil,
        zeroOutputForMask: Bool = false
    ) -> Tensor {
        let (x, w, u, b) = (p[0], p[1], p[2], p[3])
        return Reference.run(
            x, units: u.shape[0], returnSequences: returnSequences, goBackwards: goBackwards, mask: mask,
            zeroOutputForMask: zeroOutputForMask
        ) { xt, h, c in
            switch self {
            case .simpleRNN: (Reference.simpleRNNStep(xt, h, w, u, b), c)
            case .lstm: Reference.lstmStep(xt, h, c, w, u, b)
            case .gru: (Reference.gruStep(xt, h, w, u, b), c)
            }
        }
    }
}

/// `x` `[batch, time, features]` with its steps in reverse order (differentiable).
func reversedSteps(_ x: Tensor) -> Tensor {
    Tensor.concatenating((0..<x.shape[1]).reversed().map { x.slice($0..<($0 + 1), alongAxis: 1) }, alongAxis: 1)
}

/// A `[batch, time]` mask keeping the first `lengths[b]` steps of each example.
func prefixMask(lengths: [Int], time: Int) -> Tensor {
    Tensor(lengths.flatMap { length in (0..<time).map { $0 < length ? Float(1) : 0 } }, shape: [lengths.count, time])
}

/// Compares outputs and the gradients of all four inputs of `f` and `g` on the same values.
func compareOutputsAndGradients(
    _ inputs: [Tensor], tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Tensor]) -> Tensor, _ g: ([Tensor]) -> Tensor
) {
    let a = inputs.map { Parameter($0) }, b = inputs.map { Parameter($0) }
    let y1 = f(a.map(\.tensor)), y2 = g(b.map(\.tensor))
    expectClose(y1, y2, tolerance: tolerance, sourceLocation: sourceLocation)
    let projection = random(y1.shape, seed: 99)
    (y1 * projection).sum().backward()
    (y2 * projection).sum().backward()
    for (p, q) in zip(a, b) {
        expectClose(
            p.grad ?? Tensor(zeros: p.shape), q.grad ?? Tensor(zeros: q.shape), tolerance: 1e-4,
            sourceLocation: sourceLocation)
    }
}

@Suite struct RecurrentDirectionAndMaskTests {
    /// Going backwards equals running forwards on the reversed sequence, outputs in processing
    /// order (Keras's `go_backwards`), gradients included.
    @Test(arguments: RecurrentKind.allCases)
    func goBackwardsMatchesReversedInput(kind: RecurrentKind) {
        let inputs = kind.inputs(batch: 3, time: 5, features: 4, units: 6, seed: 20)
        for returnSequences in [true, false] {
            compareOutputsAndGradients(inputs) {
                kind.fused($0, returnSequences: returnSequences, goBackwards: true)
            } _: {
                kind.reference([reversedSteps($0[0])] + $0[1...], returnSequences: returnSequences)
            }
        }
    }

    /// The reference's masked blending with every step kept is the fused op without a mask, so
    /// that the masked comparisons below rest on it.
    @Test(arguments: RecurrentKind.allCases)
    func unmaskedReferenceIsTheFusedOp(kind: RecurrentKind) {
        let inputs = kind.inputs(batch: 2, time: 4, features: 3, units: 5, seed: 30)
        let ones = Tensor([Float](repeating: 1, count: 8), shape: [2, 4])
        for returnSequences in [true, false] {
            compareOutputsAndGradients(inputs) {
                kind.fused($0, returnSequences: returnSequences)
            } _: {
                kind.reference($0, returnSequences: returnSequences, mask: ones)
            }
        }
    }

    /// Masks with skipped first, middle and last steps and a fully masked example, in both
    /// directions, with the carried or zeroed outputs.
    @Test(arguments: RecurrentKind.allCases)
    func maskMatchesMaskedReference(kind: RecurrentKind) {
        let inputs = kind.inputs(batch: 4, time: 6, features: 3, units: 5, seed: 40)
        let mask = Tensor(
            [
                1, 1, 0, 1, 1, 0,
                0, 0, 1, 1, 0, 1,
                0, 0, 0, 0, 0, 0,
                1, 1, 1, 1, 1, 1,
            ], shape: [4, 6])
        for goBackwards in [false, true] {
            for returnSequences in [true, false] {
                for zero in returnSequences ? [false, true] : [false] {
                    compareOutputsAndGradients(inputs) {
                        kind.fused(
                            $0, returnSequences: returnSequences, goBackwards: goBackwards, mask: mask,
                            zeroOutputForMask: zero)
                    } _: {
                        kind.reference(
                            $0, returnSequences: returnSequences, goBackwards: goBackwards, mask: mask,
                            zeroOutputForMask: zero)
                    }
                }
            }
        }
    }

    /// Right-padded sequences with a mask give, through the layers, the outputs and gradients of
    /// each example's unpadded prefix run alone: the same last state, the same states at the
    /// kept steps (going backwards: the padding's steps come first and keep the zero state),
    /// the sum of the prefixes' weight gradients, and no input gradient at the padding.
    @Test(arguments: RecurrentKind.allCases)
    func maskedBatchEqualsUnmaskedPrefixes(kind: RecurrentKind) throws {
        let (time, features, units) = (6, 3, 4)
        let lengths = [6, 3, 1, 4]
        let x = random([lengths.count, time, features], seed: 50)
        let mask = prefixMask(lengths: lengths, time: time)
        for goBackwards in [false, true] {
            for returnSequences in [false, true] {
                let layer = try kind.layer(
                    units: units, returnSequences: returnSequences, goBackwards: goBackwards, time: time,
                    features: features, seed: 51)
                let parameters = [layer.kernel, layer.recurrentKernel, layer.bias]
                // Only the kept steps' outputs enter the loss.
                let projection = random(
                    returnSequences ? [lengths.count, time, units] : [lengths.count, units], seed: 52)
                let weights = returnSequences ? keptOutputWeights(mask, goBackwards: goBackwards, units: units) : nil

                let input = Parameter(x)
                let y = layer(input.tensor, mask: mask)
                (y * (weights.map { projection * $0 } ?? projection)).sum().backward()
                let batchGradients = parameters.map { $0.grad! }
                let inputGradient = input.grad!
                parameters.forEach { $0.zeroGrad() }

                for (b, length) in lengths.enumerated() {
                    let prefix = Parameter(x.slice(b..<(b + 1)).slice(0..<length, alongAxis: 1))
                    let alone = layer(prefix.tensor)
                    let example = y.slice(b..<(b + 1))
                    var p = projection.slice(b..<(b + 1))
                    if returnSequences {
                        // The prefix's outputs sit at the kept steps in processing order.
                        let kept = goBackwards ? (time - length)..<time : 0..<length
                        expectClose(example.slice(kept, alongAxis: 1), alone, tolerance: 1e-5)
                        p = p.slice(kept, alongAxis: 1)
                    } else {
                        expectClose(example, alone, tolerance: 1e-5)
                    }
                    (alone * p).sum().backward()
                    expectClose(
                        inputGradient.slice(b..<(b + 1)).slice(0..<length, alongAxis: 1), prefix.grad!, tolerance: 1e-4)
                    if length < time {
                        let padding = inputGradient.slice(b..<(b + 1)).slice(length..<time, alongAxis: 1)
                        #expect(padding.scalars.allSatisfy { $0 == 0 })
                    }
                }
                for (parameter, gradient) in zip(parameters, batchGradients) {
                    expectClose(parameter.grad!, gradient, tolerance: 1e-4)
                    parameter.zeroGrad()
                }
            }
        }
    }

    /// A mask flows through stacked layers: an LSTM and a GRU returning sequences into a
    /// SimpleRNN going backwards give each example's unpadded result. (A layer going backwards
    /// returns its sequence in processing order, which the input's mask no longer describes, as
    /// in Keras; Bidirectional reverses it first.)
    @Test func maskThroughStackedLayers() throws {
        let (time, features) = (5, 3)
        let lengths = [5, 2, 4]
        let x = random([lengths.count, time, features], seed: 60)
        let mask = prefixMask(lengths: lengths, time: time)
        let first = try RecurrentKind.lstm.layer(
            units: 4, returnSequences: true, goBackwards: false, time: time, features: features, seed: 61)
        let second = try RecurrentKind.gru.layer(
            units: 3, returnSequences: true, goBackwards: false, time: time, features: 4, seed: 62)
        let third = try RecurrentKind.simpleRNN.layer(
            units: 2, returnSequences: false, goBackwards: true, time: time, features: 3, seed: 63)
        let y = third(second(first(x, mask: mask), mask: mask), mask: mask)
        for (b, length) in lengths.enumerated() {
            let prefix = x.slice(b..<(b + 1)).slice(0..<length, alongAxis: 1)
            expectClose(y.slice(b..<(b + 1)), third(second(first(prefix))), tolerance: 1e-5)
        }
    }

    /// Finite differences for every cell, with and without a mask, in both directions.
    @Test(arguments: RecurrentKind.allCases)
    func finiteDifferences(kind: RecurrentKind) {
        let inputs = kind.inputs(batch: 2, time: 4, features: 3, units: 3, seed: 70)
        let mask = Tensor([1, 0, 1, 1, 0, 1, 1, 0], shape: [2, 4])
        for goBackwards in [false, true] {
            for m in [nil, mask] {
                for returnSequences in [true, false] {
                    checkGradients(inputs) {
                        kind.fused($0, returnSequences: returnSequences, goBackwards: goBackwards, mask: m)
                    }
                }
            }
        }
    }

    /// The public functions take the direction and mask, and the layers expose the direction.
    @Test func publicArguments() throws {
        let p = RecurrentKind.lstm.inputs(batch: 2, time: 3, features: 2, units: 3, seed: 80)
        let mask = Tensor([1, 1, 0, 1, 0, 1], shape: [2, 3])
        expectClose(
            lstm(p[0], kernel: p[1], recurrentKernel: p[2], bias: p[3], goBackwards: true, mask: mask),
            RecurrentKind.lstm.reference(p, returnSequences: false, goBackwards: true, mask: mask))
        let g = RecurrentKind.gru.inputs(batch: 2, time: 3, features: 2, units: 3, seed: 81)
        expectClose(
            gru(g[0], kernel: g[1], recurrentKernel: g[2], bias: g[3], returnSequences: true, mask: mask),
            RecurrentKind.gru.reference(g, returnSequences: true, mask: mask))
        let s = RecurrentKind.simpleRNN.inputs(batch: 2, time: 3, features: 2, units: 3, seed: 82)
        expectClose(
            simpleRNN(s[0], kernel: s[1], recurrentKernel: s[2], bias: s[3], returnSequences: true, goBackwards: true),
            RecurrentKind.simpleRNN.reference(s, returnSequences: true, goBackwards: true))
        #expect(LSTM(units: 2, goBackwards: true).goBackwards)
        #expect(!GRU(units: 2).goBackwards)
        #expect(SimpleRNN(units: 2, activation: .relu, goBackwards: true).goBackwards)
    }

    /// ONNX's reverse direction orders its outputs otherwise: export refuses such a layer
    /// rather than writing a model that computes something else.
    @Test func onnxExportRefusesGoBackwards() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Sequential(seed: 1) { GRU(units: 3, goBackwards: true) }
        try model.build(inputShape: [4, 2])
        #expect(throws: CortexError.self) { try model.exportONNX(to: folder.appendingPathComponent("m.onnx")) }
        let forwards = Sequential(seed: 1) { GRU(units: 3) }
        try forwards.build(inputShape: [4, 2])
        try forwards.exportONNX(to: folder.appendingPathComponent("n.onnx"))
    }
}

/// 1 at the kept steps of the output sequence (in processing order), broadcast over units.
private func keptOutputWeights(_ mask: Tensor, goBackwards: Bool, units: Int) -> Tensor {
    let ordered = goBackwards ? reversedSteps(mask.expandingShape(at: 2)) : mask.expandingShape(at: 2)
    return ordered * Tensor(ones: [units])
}
