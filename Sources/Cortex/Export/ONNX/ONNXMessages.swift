/// The ONNX protobuf messages that export writes, with the field numbers of `onnx.proto`
/// (ONNX 1.23, proto2 syntax: a repeated scalar is packed only where the file says
/// `[packed = true]`, so `dims`, `ints` and `floats` are written one element per field, as the
/// `onnx` package writes them). Only the fields export uses are modelled.
enum ONNX {
    /// `TensorProto.DataType` values.
    enum DataType: Int64 {
        case float = 1
        case int64 = 7
    }

    /// `StringStringEntryProto`: one entry of a model's `metadata_props`.
    struct StringStringEntryProto: ProtobufMessage, Equatable {
        var key: String
        var value: String

        func encode(to writer: inout ProtobufWriter) {
            writer.write(key, field: 1)
            writer.write(value, field: 2)
        }
    }

    /// `OperatorSetIdProto`: the operator set a model imports (`""` is the default ONNX domain).
    struct OperatorSetIdProto: ProtobufMessage, Equatable {
        var domain: String = ""
        var version: Int64

        func encode(to writer: inout ProtobufWriter) {
            writer.write(domain, field: 1)
            writer.write(version, field: 2)
        }
    }

    /// `TensorProto`: a constant tensor (an initializer or a tensor-valued attribute).
    struct TensorProto: ProtobufMessage, Equatable {
        /// Where the elements go: `float_data` and `int64_data` are packed repeated fields,
        /// `raw_data` holds little-endian bytes (what `onnx.numpy_helper.from_array` writes).
        enum Contents: Equatable {
            case floats([Float])
            case int64s([Int64])
            case rawFloats([Float])
        }

        var name: String
        var dims: [Int]
        var contents: Contents
        var docString: String? = nil

        /// The element type the contents imply.
        var dataType: DataType {
            switch contents {
            case .floats, .rawFloats: return .float
            case .int64s: return .int64
            }
        }

        /// The float elements, in row-major order (empty for integer tensors).
        var floatValues: [Float] {
            switch contents {
            case .floats(let v), .rawFloats(let v): return v
            case .int64s: return []
            }
        }

        func encode(to writer: inout ProtobufWriter) {
            for d in dims { writer.write(d, field: 1) }
            writer.write(dataType.rawValue, field: 2)
            switch contents {
            case .floats(let v): writer.writePacked(v, field: 4)
            case .int64s(let v): writer.writePacked(v, field: 7)
            case .rawFloats: break
            }
            writer.write(name, field: 8)
            if case .rawFloats(let v) = contents { writer.writeBytes(littleEndianFloats: v, field: 9) }
            if let docString { writer.write(docString, field: 12) }
        }
    }

    /// `AttributeProto`: a named operator attribute; `type` (field 20) tells which value is set.
    struct AttributeProto: ProtobufMessage, Equatable {
        enum Value: Equatable {
            case float(Float)
            case int(Int64)
            case string(String)
            case tensor(TensorProto)
            case floats([Float])
            case ints([Int64])
            case strings([String])
        }

        var name: String
        var value: Value

        /// `AttributeProto.AttributeType`.
        var typeCode: Int64 {
            switch value {
            case .float: return 1
            case .int: return 2
            case .string: return 3
            case .tensor: return 4
            case .floats: return 6
            case .ints: return 7
            case .strings: return 8
            }
        }

        func encode(to writer: inout ProtobufWriter) {
            writer.write(name, field: 1)
            switch value {
            case .float(let v): writer.write(v, field: 2)
            case .int(let v): writer.write(v, field: 3)
            case .string(let v): writer.write(v, field: 4)
            case .tensor(let v): writer.write(v, field: 5)
            case .floats(let v): for x in v { writer.write(x, field: 7) }
            case .ints(let v): for x in v { writer.write(x, field: 8) }
            case .strings(let v): for x in v { writer.write(x, field: 9) }
            }
            writer.write(typeCode, field: 20)
        }
    }

    /// `NodeProto`: one operator application. An empty input name skips an optional input.
    struct NodeProto: ProtobufMessage, Equatable {
        var opType: String
        var inputs: [String]
        var outputs: [String]
        var name: String
        var attributes: [AttributeProto] = []
        var docString: String? = nil

        /// The attribute named `name`, if present.
        func attribute(_ name: String) -> AttributeProto.Value? { attributes.first { $0.name == name }?.value }

        func encode(to writer: inout ProtobufWriter) {
            for i in inputs { writer.write(i, field: 1) }
            for o in outputs { writer.write(o, field: 2) }
            writer.write(name, field: 3)
            writer.write(opType, field: 4)
            for a in attributes { writer.write(a, field: 5) }
            if let docString { writer.write(docString, field: 6) }
        }
    }

    /// One axis of a tensor type: a fixed size or a named, symbolic one (the batch).
    enum Dimension: Equatable {
        case value(Int)
        case parameter(String)
    }

    /// `ValueInfoProto` with a `TypeProto.Tensor` type: a graph input or output.
    struct ValueInfoProto: ProtobufMessage {
        var name: String
        var elementType: DataType
        var shape: [Dimension]
        var docString: String? = nil

        func encode(to writer: inout ProtobufWriter) {
            writer.write(name, field: 1)
            writer.write(TypeProto(elementType: elementType, shape: shape), field: 2)
            if let docString { writer.write(docString, field: 3) }
        }
    }

    /// `TypeProto` holding `tensor_type` (field 1): `TypeProto.Tensor`.
    private struct TypeProto: ProtobufMessage {
        var elementType: DataType
        var shape: [Dimension]

        func encode(to writer: inout ProtobufWriter) {
            writer.write(TensorType(elementType: elementType, shape: shape), field: 1)
        }
    }

    /// `TypeProto.Tensor`: `elem_type` and `shape` (a `TensorShapeProto`).
    private struct TensorType: ProtobufMessage {
        var elementType: DataType
        var shape: [Dimension]

        func encode(to writer: inout ProtobufWriter) {
            writer.write(elementType.rawValue, field: 1)
            writer.write(TensorShape(dimensions: shape), field: 2)
        }
    }

    /// `TensorShapeProto`: repeated `Dimension` (field 1), each `dim_value` (1) or `dim_param` (2).
    private struct TensorShape: ProtobufMessage {
        var dimensions: [Dimension]

        private struct DimensionMessage: ProtobufMessage {
            var dimension: Dimension
            func encode(to writer: inout ProtobufWriter) {
                switch dimension {
                case .value(let v): writer.write(v, field: 1)
                case .parameter(let p): writer.write(p, field: 2)
                }
            }
        }

        func encode(to writer: inout ProtobufWriter) {
            for d in dimensions { writer.write(DimensionMessage(dimension: d), field: 1) }
        }
    }

    /// `GraphProto`: nodes in topological order, weights as initializers, typed inputs and outputs.
    struct GraphProto: ProtobufMessage {
        var name: String
        var nodes: [NodeProto]
        var initializers: [TensorProto]
        var inputs: [ValueInfoProto]
        var outputs: [ValueInfoProto]
        var docString: String? = nil

        func encode(to writer: inout ProtobufWriter) {
            for n in nodes { writer.write(n, field: 1) }
            writer.write(name, field: 2)
            for t in initializers { writer.write(t, field: 5) }
            if let docString { writer.write(docString, field: 10) }
            for i in inputs { writer.write(i, field: 11) }
            for o in outputs { writer.write(o, field: 12) }
        }
    }

    /// `ModelProto`: the file's top-level message.
    struct ModelProto: ProtobufMessage {
        var irVersion: Int64
        var producerName: String
        var producerVersion: String
        var modelVersion: Int64? = nil
        var docString: String? = nil
        var graph: GraphProto
        var opsetImports: [OperatorSetIdProto]
        var metadata: [StringStringEntryProto] = []

        func encode(to writer: inout ProtobufWriter) {
            writer.write(irVersion, field: 1)
            writer.write(producerName, field: 2)
            writer.write(producerVersion, field: 3)
            if let modelVersion { writer.write(modelVersion, field: 5) }
            if let docString { writer.write(docString, field: 6) }
            writer.write(graph, field: 7)
            for o in opsetImports { writer.write(o, field: 8) }
            for m in metadata { writer.write(m, field: 14) }
        }
    }
}
