extension Activation: ONNXLayerExportable {
    /// The function's node, in whatever axis order the input is stored.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        graph.apply(function, to: input, scope: name)
    }
}

extension Dropout: ONNXLayerExportable {
    /// Nothing: dropout is the identity at inference.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue { input }
}
