import Foundation

extension Module {
    /// Writes the model in inference mode to an ONNX file (opset 17, IR version 8) that ONNX
    /// Runtime, OpenVINO, TensorRT and other runtimes load.
    ///
    /// The file takes the same input as the model, `[batch, ...]` in Cortex's layout (images
    /// channels-last, NHWC; Embedding indices as `float`), with a dynamic batch dimension named
    /// `batch`, and gives the same output. Weights are initializers; Dropout is the identity
    /// and BatchNormalization uses its moving statistics. Layouts that ONNX operators need
    /// (channels-first convolutions, time-major recurrences) are reached with `Transpose`
    /// nodes inside the graph. The file is written atomically (docs/onnx.md has the details).
    ///
    /// ```swift
    /// try cnn.exportONNX(to: URL(fileURLWithPath: "cnn.onnx"))
    /// ```
    ///
    /// - Parameters:
    ///   - url: Where to write the `.onnx` file.
    ///   - inputName: The graph input's name.
    ///   - outputName: The graph output's name.
    /// - Throws: A ``CortexError`` when the model is not built yet, when it contains a layer
    ///   or custom module that cannot be exported (the error names it), when the names are
    ///   empty or equal, or when the file cannot be written. Nothing is written then.
    public func exportONNX(to url: URL, inputName: String = "input", outputName: String = "output") throws {
        let model = try onnxModel(inputName: inputName, outputName: outputName)
        let size = ProtobufWriter.size(of: model)
        // Protobuf parsers refuse messages of 2 GiB or more; ONNX stores such weights outside the file.
        guard size < Int(Int32.max) else {
            throw CortexError(
                .invalidArgument,
                "\(name) takes \(size) bytes as ONNX, beyond protobuf's 2 GiB limit (external weight files are not supported)"
            )
        }
        try AtomicFile.write(model.serializedBytes(), to: url)
    }

    /// The ONNX model of this module, as ``exportONNX(to:inputName:outputName:)`` writes it.
    func onnxModel(inputName: String = "input", outputName: String = "output") throws -> ONNX.ModelProto {
        guard !inputName.isEmpty, !outputName.isEmpty, inputName != outputName else {
            throw CortexError(
                .invalidArgument,
                "ONNX input and output names must be non-empty and different, got \"\(inputName)\" and \"\(outputName)\""
            )
        }
        // The first module that cannot be exported is named before anything else is checked.
        for module in modulesInOrder() { _ = try module.onnxExportable() }
        let exportable = try onnxExportable()
        guard let inputShape = exportable.onnxInputShape else {
            throw CortexError(
                .invalidArgument,
                "\(name) is not built: call build(inputShape:) or run it once before exporting to ONNX")
        }
        var graph = ONNXGraphBuilder(reserving: [inputName, outputName])
        let input = ONNXValue(name: inputName, shape: inputShape)
        let result = graph.inCortexOrder(try exportable.exportONNX([input], into: &graph), scope: name)
        if graph.producesValue(result.name) {
            graph.rename(result.name, to: outputName)
        } else {
            // The output is the input itself (a model of Dropouts) or a constant.
            let identity = graph.addNode("Identity", scope: name, inputs: [result.name])
            graph.rename(identity, to: outputName)
        }
        let parameterCount = parameters.reduce(0) { $0 + $1.value.count }
        let description =
            "\(name) (\(type(of: self))), \(parameterCount) parameters, exported by Cortex \(Cortex.version). "
            + "Input \(inputName) \(batchShapeDescription(inputShape)) in Cortex's layout (images channels-last, NHWC), "
            + "output \(outputName) \(batchShapeDescription(result.shape))."
        return ONNX.ModelProto(
            irVersion: 8,
            producerName: "Cortex",
            producerVersion: Cortex.version,
            docString: description,
            graph: ONNX.GraphProto(
                name: name,
                nodes: graph.nodes,
                initializers: graph.initializers,
                inputs: [valueInfo(inputName, inputShape)],
                outputs: [valueInfo(outputName, result.shape)]),
            opsetImports: [ONNX.OperatorSetIdProto(version: ONNXGraphBuilder.opsetVersion)],
            metadata: [
                ONNX.StringStringEntryProto(key: "cortex_model_name", value: name),
                ONNX.StringStringEntryProto(key: "cortex_model_type", value: "\(type(of: self))"),
                ONNX.StringStringEntryProto(key: "input_layout", value: "channels-last (NHWC for images), batch first"),
            ])
    }

    private func valueInfo(_ name: String, _ shape: [Int]) -> ONNX.ValueInfoProto {
        ONNX.ValueInfoProto(name: name, elementType: .float, shape: [.parameter("batch")] + shape.map { .value($0) })
    }
}
