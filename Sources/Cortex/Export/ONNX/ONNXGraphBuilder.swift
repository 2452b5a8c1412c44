/// Collects the nodes and initializers of an ONNX graph while layers export themselves.
///
/// Names are made unique here; layers pass their own name as the `scope` of what they add, so
/// node and value names read `conv2d/Conv`, `conv2d/Conv_output`, `lstm.W`, ... Layers only
/// call this builder; the builder knows no layer type.
struct ONNXGraphBuilder {
    /// The ONNX operator set the exporter writes (default domain).
    static let opsetVersion: Int64 = 17

    /// The nodes, in topological order (each added after its inputs exist).
    private(set) var nodes: [ONNX.NodeProto] = []
    /// The constants: weights and small integer tensors.
    private(set) var initializers: [ONNX.TensorProto] = []
    private var usedNames: Set<String>
    /// Transposed copies already made, by source name and target axes.
    private var arrangements: [String: ONNXValue] = [:]

    /// A builder in which `names` (the graph input and output) are taken, so no node or weight gets them.
    init(reserving names: [String]) {
        usedNames = Set(names)
    }

    /// `base` if no value, node or initializer has that name yet, else `base_1`, `base_2`, ...
    mutating func uniqueName(_ base: String) -> String {
        var candidate = base
        var n = 1
        while usedNames.contains(candidate) {
            candidate = "\(base)_\(n)"
            n += 1
        }
        usedNames.insert(candidate)
        return candidate
    }

    /// Adds a float constant stored as raw little-endian bytes; returns its name.
    mutating func addInitializer(_ name: String, floats: [Float], dims: [Int]) -> String {
        check(
            floats.count == dims.reduce(1, *), "ONNX initializer \(name): \(floats.count) values for dims \(dims)")
        let unique = uniqueName(name)
        initializers.append(ONNX.TensorProto(name: unique, dims: dims, contents: .rawFloats(floats)))
        return unique
    }

    /// Adds a float constant from a tensor, in its own shape; returns its name.
    mutating func addInitializer(_ name: String, _ tensor: Tensor) -> String {
        addInitializer(name, floats: tensor.scalars, dims: tensor.shape)
    }

    /// Adds an `int64` constant (axes, shapes); returns its name.
    mutating func addInitializer(_ name: String, int64s: [Int], dims: [Int]) -> String {
        check(
            int64s.count == dims.reduce(1, *), "ONNX initializer \(name): \(int64s.count) values for dims \(dims)")
        let unique = uniqueName(name)
        initializers.append(ONNX.TensorProto(name: unique, dims: dims, contents: .int64s(int64s.map(Int64.init))))
        return unique
    }

    /// Adds a node named `scope/opType` whose outputs are those marked in `outputs`
    /// (an unmarked optional output gets the empty name); returns the output names.
    mutating func addNode(
        _ opType: String, scope: String, inputs: [String], attributes: [ONNX.AttributeProto] = [], outputs: [Bool]
    ) -> [String] {
        let name = uniqueName("\(scope)/\(opType)")
        let outputNames = outputs.enumerated().map { index, used in
            used ? uniqueName(index == 0 ? "\(name)_output" : "\(name)_output_\(index)") : ""
        }
        nodes.append(
            ONNX.NodeProto(opType: opType, inputs: inputs, outputs: outputNames, name: name, attributes: attributes))
        return outputNames
    }

    /// Adds a node with one output; returns its name.
    mutating func addNode(
        _ opType: String, scope: String, inputs: [String], attributes: [ONNX.AttributeProto] = []
    ) -> String {
        addNode(opType, scope: scope, inputs: inputs, attributes: attributes, outputs: [true])[0]
    }

    /// `value` stored with its axes in the order `axes`: the value itself when it already is,
    /// else a `Transpose` of it (made once per value and order, however many layers ask).
    mutating func arrange(_ value: ONNXValue, _ axes: [Int], scope: String) -> ONNXValue {
        guard value.axes != axes else { return value }
        let key = "\(value.name) \(axes)"
        if let done = arrangements[key] { return done }
        let permutation = axes.map { value.axes.firstIndex(of: $0)! }
        let output = addNode("Transpose", scope: scope, inputs: [value.name], attributes: [.ints("perm", permutation)])
        let arranged = ONNXValue(name: output, shape: value.shape, axes: axes)
        arrangements[key] = arranged
        return arranged
    }

    /// `value` in Cortex's own axis order.
    mutating func inCortexOrder(_ value: ONNXValue, scope: String) -> ONNXValue {
        arrange(value, ONNXValue.cortexOrder(rank: value.rank), scope: scope)
    }

    /// Applies `function` in whatever order `value` is stored (softmax over Cortex's last axis).
    mutating func apply(_ function: ActivationFunction, to value: ONNXValue, scope: String) -> ONNXValue {
        let op: String
        var attributes: [ONNX.AttributeProto] = []
        switch function {
        case .linear: return value
        case .relu: op = "Relu"
        case .sigmoid: op = "Sigmoid"
        case .tanh: op = "Tanh"
        case .softmax:
            op = "Softmax"
            attributes = [.int("axis", value.channelAxis)]
        }
        let output = addNode(op, scope: scope, inputs: [value.name], attributes: attributes)
        return ONNXValue(name: output, shape: value.shape, axes: value.axes)
    }

    /// Renames the value `old` to `new` wherever a node produces or reads it.
    mutating func rename(_ old: String, to new: String) {
        for i in nodes.indices {
            nodes[i].inputs = nodes[i].inputs.map { $0 == old ? new : $0 }
            nodes[i].outputs = nodes[i].outputs.map { $0 == old ? new : $0 }
        }
        usedNames.insert(new)
    }

    /// Whether some node produces `name`.
    func producesValue(_ name: String) -> Bool { nodes.contains { $0.outputs.contains(name) } }
}

extension ONNX.AttributeProto {
    /// An `INT` attribute.
    static func int(_ name: String, _ value: Int) -> Self { Self(name: name, value: .int(Int64(value))) }
    /// An `INTS` attribute.
    static func ints(_ name: String, _ values: [Int]) -> Self { Self(name: name, value: .ints(values.map(Int64.init))) }
    /// A `FLOAT` attribute.
    static func float(_ name: String, _ value: Float) -> Self { Self(name: name, value: .float(value)) }
    /// A `FLOATS` attribute.
    static func floats(_ name: String, _ values: [Float]) -> Self { Self(name: name, value: .floats(values)) }
    /// A `STRINGS` attribute.
    static func strings(_ name: String, _ values: [String]) -> Self { Self(name: name, value: .strings(values)) }
}
