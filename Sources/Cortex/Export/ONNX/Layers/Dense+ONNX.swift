extension Dense: ONNXLayerExportable {
    /// `Gemm` on `[batch, features]` (the kernel `[inputDim, units]` as stored), `MatMul` and
    /// `Add` on inputs of higher rank, then the activation.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let x = graph.inCortexOrder(input, scope: name)
        let weights = graph.addInitializer("\(name).kernel", kernel.value)
        let biasName = bias.map { graph.addInitializer("\(name).bias", $0.value) }
        var output: String
        if x.rank == 2 {
            output = graph.addNode("Gemm", scope: name, inputs: [x.name, weights] + (biasName.map { [$0] } ?? []))
        } else {
            output = graph.addNode("MatMul", scope: name, inputs: [x.name, weights])
            if let biasName { output = graph.addNode("Add", scope: name, inputs: [output, biasName]) }
        }
        return graph.apply(
            activation, to: ONNXValue(name: output, shape: input.shape.dropLast() + [units]), scope: name)
    }
}
