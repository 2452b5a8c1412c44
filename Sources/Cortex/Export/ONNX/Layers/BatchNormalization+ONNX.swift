extension BatchNormalization: ONNXLayerExportable {
    /// `BatchNormalization` in inference form (moving statistics), on the input with its
    /// channels at axis 1 as ONNX wants them: `[batch, channels]` as is, images and sequences
    /// through a transpose unless they are stored channels-first already.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let x = graph.arrange(input, ONNXValue.channelsFirst(rank: input.rank), scope: name)
        let statistics = [
            graph.addInitializer("\(name).gamma", gamma.value),
            graph.addInitializer("\(name).beta", beta.value),
            graph.addInitializer("\(name).moving_mean", movingMean.value),
            graph.addInitializer("\(name).moving_variance", movingVariance.value),
        ]
        let output = graph.addNode(
            "BatchNormalization", scope: name, inputs: [x.name] + statistics, attributes: [.float("epsilon", epsilon)])
        return ONNXValue(name: output, shape: input.shape, axes: x.axes)
    }
}
