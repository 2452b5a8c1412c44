extension RecurrentLayer {
    /// Adds ONNX's `op` (`RNN`, `LSTM` or `GRU`) for this layer.
    ///
    /// ONNX wants the sequence time-major, `[time, batch, features]`, and the weights per
    /// direction with the gates stacked along rows: `W [1, gates * units, features]`,
    /// `R [1, gates * units, units]`, `B [1, 2 * gates * units]` (input biases, then recurrent
    /// ones). `gateOrder[g]` is the Keras gate that ONNX's gate `g` is. The output is ONNX's
    /// `Y` without its direction axis when `returnSequences` (kept time-major for a following
    /// recurrent layer), else `Y_h`, the last state.
    ///
    /// - Parameters:
    ///   - inputBias: `[gates * units]` in Keras's gate order.
    ///   - recurrentBias: The same for the recurrent part (zeros where Keras has one bias).
    func exportRecurrent(
        _ op: String, _ input: ONNXValue, gateOrder: [Int], inputBias: [Float], recurrentBias: [Float],
        attributes: [ONNX.AttributeProto], into graph: inout ONNXGraphBuilder
    ) throws -> ONNXValue {
        // ONNX's reverse direction keeps outputs at their input positions, Keras's go_backwards
        // returns them in processing order: refused until the export reverses them.
        guard !goBackwards else {
            throw CortexError(.invalidArgument, "\(name): goBackwards recurrent layers cannot be exported to ONNX yet")
        }
        let x = graph.arrange(input, ONNXValue.timeMajor(rank: 3), scope: name)
        let (time, features, width) = (input.shape[0], input.shape[1], gateCount * units)
        let w = graph.addInitializer(
            "\(name).W", floats: Self.gateRows(kernel.value.scalars, rows: features, order: gateOrder, units: units),
            dims: [1, width, features])
        let r = graph.addInitializer(
            "\(name).R",
            floats: Self.gateRows(recurrentKernel.value.scalars, rows: units, order: gateOrder, units: units),
            dims: [1, width, units])
        let b = graph.addInitializer(
            "\(name).B",
            floats: Self.gateRows(inputBias, rows: 1, order: gateOrder, units: units)
                + Self.gateRows(recurrentBias, rows: 1, order: gateOrder, units: units),
            dims: [1, 2 * width])
        let outputs = graph.addNode(
            op, scope: name, inputs: [x.name, w, r, b], attributes: [.int("hidden_size", units)] + attributes,
            outputs: [returnSequences, !returnSequences])
        // Y is [time, 1, batch, units] and Y_h [1, batch, units]: drop the direction axis.
        let axes = graph.addInitializer("\(name).squeeze_axes", int64s: [returnSequences ? 1 : 0], dims: [1])
        let output = graph.addNode("Squeeze", scope: name, inputs: [outputs[returnSequences ? 0 : 1], axes])
        return returnSequences
            ? ONNXValue(name: output, shape: [time, units], axes: ONNXValue.timeMajor(rank: 3))
            : ONNXValue(name: output, shape: [units])
    }

    /// `matrix` `[rows, gates * units]` (Keras's columns) as `[gates * units, rows]` with the
    /// gate blocks in `order`: row `g * units + u` is Keras column `order[g] * units + u`.
    static func gateRows(_ matrix: [Float], rows: Int, order: [Int], units: Int) -> [Float] {
        let width = order.count * units
        check(matrix.count == rows * width, "gateRows: \(matrix.count) values for [\(rows), \(width)]")
        var result = [Float](repeating: 0, count: matrix.count)
        for (g, source) in order.enumerated() {
            for u in 0..<units {
                for r in 0..<rows { result[(g * units + u) * rows + r] = matrix[r * width + source * units + u] }
            }
        }
        return result
    }
}

extension SimpleRNN: ONNXLayerExportable {
    /// ONNX `RNN` with the layer's activation (`Affine` with alpha 1, beta 0 for `.linear`).
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let function: [ONNX.AttributeProto]
        switch activation {
        case .tanh: function = [.strings("activations", ["Tanh"])]
        case .relu: function = [.strings("activations", ["Relu"])]
        case .sigmoid: function = [.strings("activations", ["Sigmoid"])]
        case .linear:
            function = [
                .floats("activation_alpha", [1]), .floats("activation_beta", [0]), .strings("activations", ["Affine"]),
            ]
        case .softmax:
            throw CortexError(.invalidArgument, "\(name): a softmax recurrence has no ONNX RNN activation")
        }
        return try exportRecurrent(
            "RNN", input, gateOrder: [0], inputBias: bias.value.scalars,
            recurrentBias: [Float](repeating: 0, count: units), attributes: function, into: &graph)
    }
}

extension LSTM: ONNXLayerExportable {
    /// ONNX `LSTM`, whose gates are i, o, f, c where Keras's are i, f, c, o.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        try exportRecurrent(
            "LSTM", input, gateOrder: [0, 3, 1, 2], inputBias: bias.value.scalars,
            recurrentBias: [Float](repeating: 0, count: 4 * units), attributes: [], into: &graph)
    }
}

extension GRU: ONNXLayerExportable {
    /// ONNX `GRU` (gates z, r, h as in Keras) with `linear_before_reset = 1`, which is Keras's
    /// `reset_after = true`: the reset gate multiplies the recurrent projection after its bias.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let biases = bias.value.scalars, width = 3 * units
        return try exportRecurrent(
            "GRU", input, gateOrder: [0, 1, 2], inputBias: Array(biases[0..<width]),
            recurrentBias: Array(biases[width..<(2 * width)]), attributes: [.int("linear_before_reset", 1)],
            into: &graph)
    }
}
