extension LayerNormalization: ONNXLayerExportable {
    /// ONNX `LayerNormalization` (opset 17) over the last axis, on the input in Cortex's axis
    /// order (the features last).
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let x = graph.arrange(input, ONNXValue.cortexOrder(rank: input.rank), scope: name)
        let output = graph.addNode(
            "LayerNormalization", scope: name,
            inputs: [
                x.name, graph.addInitializer("\(name).gamma", gamma.value),
                graph.addInitializer("\(name).beta", beta.value),
            ],
            attributes: [.int("axis", -1), .float("epsilon", epsilon)])
        return ONNXValue(name: output, shape: input.shape, axes: x.axes)
    }
}
