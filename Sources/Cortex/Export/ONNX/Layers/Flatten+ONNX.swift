extension Flatten: ONNXLayerExportable {
    /// `Flatten` (axis 1) of the input in Cortex's order, so that a channels-last image
    /// flattens as in Cortex (a channels-first one is transposed back first).
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let x = graph.inCortexOrder(input, scope: name)
        let output = graph.addNode("Flatten", scope: name, inputs: [x.name], attributes: [.int("axis", 1)])
        return ONNXValue(name: output, shape: [input.shape.reduce(1, *)])
    }
}
