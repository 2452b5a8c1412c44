extension Embedding: ONNXLayerExportable {
    /// `Cast` of the float indices to `int64`, then `Gather` of table rows (axis 0).
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let x = graph.inCortexOrder(input, scope: name)
        let indices = graph.addNode(
            "Cast", scope: name, inputs: [x.name], attributes: [.int("to", Int(ONNX.DataType.int64.rawValue))])
        let table = graph.addInitializer("\(name).embeddings", embeddings.value)
        let output = graph.addNode("Gather", scope: name, inputs: [table, indices], attributes: [.int("axis", 0)])
        return ONNXValue(name: output, shape: input.shape + [outputDim])
    }
}
