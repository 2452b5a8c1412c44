import Foundation
import Testing

@testable import Cortex

/// Cortex's ONNX messages against the bytes the `onnx` Python package serializes for the same
/// messages (`Fixtures/make_onnx_fixtures.py`).
@Suite struct ONNXMessagesTests {
    private static let expected: [String: String] = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("onnx_protobuf.json"))
        return try! JSONDecoder().decode([String: String].self, from: data)
    }()

    private func expectBytes(
        _ message: some ProtobufMessage, _ fixture: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let hex = message.serializedBytes().map { String(format: "%02x", $0) }.joined()
        #expect(hex == Self.expected[fixture], "\(fixture)", sourceLocation: sourceLocation)
    }

    @Test func tensors() {
        let ints: [Int64] = [0, 1, 127, 128, 300, 16383, 16384, 1 << 31, -1, -300, .min, .max]
        expectBytes(ONNX.TensorProto(name: "ints", dims: [ints.count], contents: .int64s(ints)), "int64_tensor")
        let floats: [Float] = [1.5, -0.0, 3.25e-5, 1e30, -7.0, 0.1, Float("1e-40")!]
        expectBytes(ONNX.TensorProto(name: "floats", dims: [floats.count], contents: .floats(floats)), "float_tensor")
        let raw = (0..<40).map { (Float($0) - 20) / 8 }
        expectBytes(ONNX.TensorProto(name: "conv2d.kernel", dims: [2, 4, 5], contents: .rawFloats(raw)), "raw_tensor")
    }

    @Test func attributes() {
        expectBytes(ONNX.AttributeProto.int("axis", -1), "attribute_int")
        expectBytes(ONNX.AttributeProto.float("epsilon", 1e-3), "attribute_float")
        expectBytes(ONNX.AttributeProto.ints("perm", [0, 3, 1, 2]), "attribute_ints")
        expectBytes(ONNX.AttributeProto.floats("activation_alpha", [1, 0.5]), "attribute_floats")
        expectBytes(ONNX.AttributeProto(name: "direction", value: .string("forward")), "attribute_string")
        expectBytes(ONNX.AttributeProto.strings("activations", ["Tanh", "Relu"]), "attribute_strings")
        let tensor = ONNX.TensorProto(name: "v", dims: [1], contents: .int64s([1]))
        expectBytes(ONNX.AttributeProto(name: "value", value: .tensor(tensor)), "attribute_tensor")
    }

    @Test func nodesValuesAndEntries() {
        expectBytes(
            ONNX.NodeProto(
                opType: "LSTM", inputs: ["X", "W", "R", "B"], outputs: ["", "Y_h"], name: "lstm/LSTM",
                attributes: [.int("hidden_size", 7)]),
            "node")
        expectBytes(
            ONNX.ValueInfoProto(
                name: "input", elementType: .float, shape: [.parameter("batch"), .value(28), .value(28), .value(1)]),
            "value_info")
        expectBytes(ONNX.OperatorSetIdProto(version: 17), "opset")
        expectBytes(ONNX.StringStringEntryProto(key: "note", value: "café ∑"), "metadata_entry")
    }

    @Test func wholeModel() {
        let graph = ONNX.GraphProto(
            name: "sequential",
            nodes: [
                ONNX.NodeProto(
                    opType: "Gemm", inputs: ["input", "dense.kernel", "dense.bias"], outputs: ["dense/Gemm_output"],
                    name: "dense/Gemm"),
                ONNX.NodeProto(opType: "Relu", inputs: ["dense/Gemm_output"], outputs: ["output"], name: "dense/Relu"),
            ],
            initializers: [
                ONNX.TensorProto(
                    name: "dense.kernel", dims: [3, 2], contents: .rawFloats([0.5, -1, 2, 0.25, -0.75, 1.5])),
                ONNX.TensorProto(name: "dense.bias", dims: [2], contents: .rawFloats([0.1, -0.2])),
            ],
            inputs: [ONNX.ValueInfoProto(name: "input", elementType: .float, shape: [.parameter("batch"), .value(3)])],
            outputs: [
                ONNX.ValueInfoProto(name: "output", elementType: .float, shape: [.parameter("batch"), .value(2)])
            ])
        let model = ONNX.ModelProto(
            irVersion: 8, producerName: "Cortex", producerVersion: "0.1.0",
            docString: String(repeating: "d", count: 150), graph: graph,
            opsetImports: [ONNX.OperatorSetIdProto(version: 17)],
            metadata: [ONNX.StringStringEntryProto(key: "cortex_model_name", value: "sequential")])
        expectBytes(model, "model")
    }
}
