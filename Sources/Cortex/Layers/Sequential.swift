/// Builds the layer list of a ``Sequential`` model.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ module: Module) -> [Module] { [module] }
    public static func buildExpression(_ modules: [Module]) -> [Module] { modules }
    public static func buildBlock(_ parts: [Module]...) -> [Module] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Module]?) -> [Module] { part ?? [] }
    public static func buildEither(first: [Module]) -> [Module] { first }
    public static func buildEither(second: [Module]) -> [Module] { second }
    public static func buildArray(_ parts: [[Module]]) -> [Module] { parts.flatMap { $0 } }
}

/// A linear stack of layers, each feeding the next.
///
/// ```swift
/// let model = Sequential(seed: 42) {
///     Dense(units: 128, activation: .relu)
///     Dense(units: 10, activation: .softmax)
/// }
/// ```
public final class Sequential: Module {
    /// The layers, in order.
    public let layers: [Module]

    /// Creates a model from a layer list written with the result builder.
    public init(name: String? = nil, seed: UInt64? = nil, @LayerBuilder _ content: () -> [Module]) {
        self.layers = content()
        super.init(name: name, seed: seed)
    }

    /// Creates a model from an array of layers.
    public init(_ layers: [Module], name: String? = nil, seed: UInt64? = nil) {
        self.layers = layers
        super.init(name: name, seed: seed)
    }

    public override class var baseName: String { "sequential" }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        guard masking else { return stages.reduce(input) { x, stage in stage.run(x) } }
        var (x, mask): (Tensor, Tensor?) = (input, nil)
        for layer in layers {
            if let layer = layer as? Layer {
                (x, mask) = layer.forward(x, mask: mask)
            } else {
                x = layer(x)
                mask = nil
            }
        }
        return x
    }

    /// Whether a layer makes masks (an `Embedding` with `maskZero`): the stack then runs layer
    /// by layer, passing masks on.
    private lazy var masking: Bool = layers.contains { ($0 as? Layer)?.makesMask ?? false }

    override func callAsFunction(_ input: Tensor, deferring activation: ActivationFunction) -> (Tensor, Bool) {
        guard !masking, let last = stages.last, last.layers == 1 else { return (self(input), false) }
        let x = stages.dropLast().reduce(input) { x, stage in stage.run(x) }
        return layers[layers.count - 1](x, deferring: activation)
    }

    /// The layers as the steps the forward pass runs: a layer whose op can absorb the next
    /// one (`Layer.fused(with:)`, such as a convolution and its pooling) runs both as one step.
    private lazy var stages: [(layers: Int, run: (Tensor) -> Tensor)] = {
        var stages: [(layers: Int, run: (Tensor) -> Tensor)] = []
        var index = 0
        while index < layers.count {
            if index + 1 < layers.count, let layer = layers[index] as? Layer, let next = layers[index + 1] as? Layer,
                let fused = layer.fused(with: next)
            {
                stages.append((2, fused))
                index += 2
            } else {
                stages.append((1, layers[index].callAsFunction))
                index += 1
            }
        }
        return stages
    }()

    /// Validates the whole chain for per-example input `inputShape` and creates every layer's
    /// parameters; throws a ``CortexError`` naming the first layer that does not fit, or both
    /// layers when two share a name.
    @discardableResult
    public override func build(inputShape: [Int]) throws -> [Int] {
        try checkLayerNamesOnce()
        var shape = inputShape
        for layer in layers { shape = try layer.build(inputShape: shape) }
        return shape
    }

    /// The per-example output shape for `inputShape`, without creating parameters.
    func outputShapes(forInputShape inputShape: [Int]) throws -> [[Int]] {
        var shapes: [[Int]] = []
        var shape = inputShape
        for layer in layers {
            if let layer = layer as? Layer {
                shape = try layer.outputShape(forInputShape: shape)
            } else {
                shape = try layer.build(inputShape: shape)
            }
            shapes.append(shape)
        }
        return shapes
    }

    /// A Keras-like table of layers, output shapes and parameter counts. Built layers show
    /// their shapes; call ``build(inputShape:)`` first for a complete table.
    public func summary() -> String {
        var rows: [(String, String, String)] = []
        var shape: [Int]? = (layers.first as? Layer)?.inputShape
        var total = 0, trainable = 0
        for layer in layers {
            if let s = shape { shape = (try? (layer as? Layer)?.outputShape(forInputShape: s)) ?? nil }
            let count = layer.parameters.reduce(0) { $0 + $1.value.count }
            total += count
            trainable += layer.trainableParameters.reduce(0) { $0 + $1.value.count }
            let kind = String(describing: type(of: layer))
            rows.append(("\(layer.name) (\(kind))", shape.map(batchShapeDescription) ?? "?", "\(count)"))
        }
        let headers = ("Layer (type)", "Output Shape", "Param #")
        let w0 = max(headers.0.count, rows.map(\.0.count).max() ?? 0) + 2
        let w1 = max(headers.1.count, rows.map(\.1.count).max() ?? 0) + 2
        let w2 = max(headers.2.count, rows.map(\.2.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        let width = w0 + w1 + w2
        var lines = ["Model: \"\(name)\"", String(repeating: "━", count: width)]
        lines.append(pad(headers.0, w0) + pad(headers.1, w1) + headers.2)
        lines.append(String(repeating: "━", count: width))
        for (i, row) in rows.enumerated() {
            lines.append(pad(row.0, w0) + pad(row.1, w1) + row.2)
            if i < rows.count - 1 { lines.append(String(repeating: "─", count: width)) }
        }
        lines.append(String(repeating: "━", count: width))
        lines.append("Total params: \(total)")
        lines.append("Trainable params: \(trainable)")
        lines.append("Non-trainable params: \(total - trainable)")
        return lines.joined(separator: "\n")
    }
}
