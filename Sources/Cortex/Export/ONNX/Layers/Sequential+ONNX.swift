extension Sequential: ONNXExportable {
    var onnxInputShape: [Int]? { (layers.first as? ONNXExportable)?.onnxInputShape }

    /// Each layer's nodes in turn, each fed the previous layer's output.
    func exportONNX(_ inputs: [ONNXValue], into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        guard inputs.count == 1 else {
            throw CortexError(.invalidArgument, "\(name) takes one input but the ONNX graph gives it \(inputs.count)")
        }
        var value = inputs[0]
        for layer in layers { value = try layer.onnxExportable().exportONNX([value], into: &graph) }
        return value
    }
}
