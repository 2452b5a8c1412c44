extension Conv2D: ONNXLayerExportable {
    /// `Conv` on the image stored channels-first (NCHW), the kernel transposed from Keras's
    /// `[kh, kw, cin, cout]` to ONNX's `[cout, cin, kh, kw]`, then the activation. The output
    /// stays channels-first for the next spatial layer; whoever needs channels-last transposes.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        let x = graph.arrange(input, ONNXValue.channelsFirst(rank: 4), scope: name)
        let (kh, kw, cin) = (kernelSize.height, kernelSize.width, input.shape[2])
        var oihw = [Float](repeating: 0, count: filters * cin * kh * kw)
        kernel.value.withUnsafeBufferPointer { k in
            for y in 0..<kh {
                for x in 0..<kw {
                    for c in 0..<cin {
                        for o in 0..<filters {
                            oihw[((o * cin + c) * kh + y) * kw + x] = k[((y * kw + x) * cin + c) * filters + o]
                        }
                    }
                }
            }
        }
        let weights = graph.addInitializer("\(name).kernel", floats: oihw, dims: [filters, cin, kh, kw])
        let biasName = bias.map { graph.addInitializer("\(name).bias", $0.value) }
        let output = graph.addNode(
            "Conv", scope: name, inputs: [x.name, weights] + (biasName.map { [$0] } ?? []),
            attributes: ONNX.AttributeProto.window(
                [kh, kw], strides: [strides.0, strides.1], padding: padding, spatialShape: Array(input.shape[0..<2])))
        let shape = try outputShape(forInputShape: input.shape)
        return graph.apply(activation, to: ONNXValue(name: output, shape: shape, axes: x.axes), scope: name)
    }
}

extension Pooling2D {
    /// `op` (`MaxPool` or `AveragePool`) on the image stored channels-first.
    func exportPooling(
        _ op: String, _ input: ONNXValue, extra: [ONNX.AttributeProto], into graph: inout ONNXGraphBuilder
    ) throws -> ONNXValue {
        let x = graph.arrange(input, ONNXValue.channelsFirst(rank: 4), scope: name)
        let attributes = ONNX.AttributeProto.window(
            [poolSize.0, poolSize.1], strides: [strides.0, strides.1], padding: padding,
            spatialShape: Array(input.shape[0..<2]))
        let output = graph.addNode(op, scope: name, inputs: [x.name], attributes: attributes + extra)
        return ONNXValue(name: output, shape: try outputShape(forInputShape: input.shape), axes: x.axes)
    }
}

extension MaxPooling2D: ONNXLayerExportable {
    /// `MaxPool`; padded positions never win, as in Cortex.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        try exportPooling("MaxPool", input, extra: [], into: &graph)
    }
}

extension AveragePooling2D: ONNXLayerExportable {
    /// `AveragePool` with `count_include_pad = 0`: a window at the border averages only the
    /// positions inside the image, as in Cortex.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        try exportPooling("AveragePool", input, extra: [.int("count_include_pad", 0)], into: &graph)
    }
}
