/// A module that can write its inference computation into an ONNX graph.
///
/// Each supported layer conforms in its own file (`Export/ONNX/Layers/`), adding its nodes and
/// weights through ``ONNXGraphBuilder``; a container asks its children in turn and never names
/// a layer type. A module that does not conform cannot be exported, and export says which.
protocol ONNXExportable: Module {
    /// The per-example input shape the module was built for, or nil before it is built.
    var onnxInputShape: [Int]? { get }

    /// Adds the nodes that compute this module's output (in inference mode) from `inputs`,
    /// and returns the output. Throws a ``CortexError`` naming the module when it cannot.
    func exportONNX(_ inputs: [ONNXValue], into graph: inout ONNXGraphBuilder) throws -> ONNXValue
}

/// A single-input layer that can write itself into an ONNX graph.
protocol ONNXLayerExportable: ONNXExportable, Layer {
    /// Adds the nodes that compute this layer's output from `input` and returns the output.
    /// The layer is built and `input.shape` fits it when this is called.
    func exportONNX(_ input: ONNXValue, into graph: inout ONNXGraphBuilder) throws -> ONNXValue
}

extension ONNXLayerExportable {
    var onnxInputShape: [Int]? { inputShape }

    func exportONNX(_ inputs: [ONNXValue], into graph: inout ONNXGraphBuilder) throws -> ONNXValue {
        guard inputs.count == 1 else {
            throw CortexError(.invalidArgument, "\(name) takes one input but the ONNX graph gives it \(inputs.count)")
        }
        guard isBuilt else {
            throw CortexError(
                .invalidArgument,
                "\(name) has no weights yet: build the model (build(inputShape:)) or run it once before exporting to ONNX"
            )
        }
        let output = try exportONNX(inputs[0], into: &graph)
        let expected = try outputShape(forInputShape: inputs[0].shape)
        guard output.shape == expected else {
            throw CortexError(
                .shapeMismatch,
                "ONNX export of \(name) wrote shape \(batchShapeDescription(output.shape)) but the layer gives "
                    + "\(batchShapeDescription(expected)) for input \(batchShapeDescription(inputs[0].shape))")
        }
        return output
    }
}

extension Module {
    /// This module as an exportable one, or an error naming it.
    func onnxExportable() throws -> ONNXExportable {
        guard let exportable = self as? ONNXExportable else {
            throw CortexError(
                .invalidArgument,
                "\(name) (\(type(of: self))) cannot be exported to ONNX: it does not implement ONNX export "
                    + "(supported: Sequential and the built-in layers listed in docs/onnx.md)")
        }
        return exportable
    }
}
