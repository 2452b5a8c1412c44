/// The base class of layers and models.
///
/// Subclass `Module` and write ``callAsFunction(_:)`` to make a custom model. Its layers and
/// parameters are found by reflection over stored properties (a `Parameter`, a `Module`, or
/// arrays and optionals of them), in declaration order, so they need not be listed by hand:
///
/// ```swift
/// final class TwoLayer: Module {
///     let hidden = Dense(units: 128, activation: .relu)
///     let output = Dense(units: 10)
///     override func callAsFunction(_ x: Tensor) -> Tensor { output(hidden(x)) }
/// }
/// ```
///
/// Training mode is stored per model (``isTraining``); setting it on a model sets it on every
/// layer below. A model's layers share its ``RandomGenerator``, so one seed reproduces a run.
open class Module {
    /// The layer or model name; layers are named as Keras names them, counted within each model.
    public var name: String
    /// Whether the model runs in training mode (Dropout active, BatchNormalization on batch
    /// statistics). Defaults to `false` (inference); setting it updates every sub-module.
    public var isTraining: Bool = false {
        didSet { for child in children { child.isTraining = isTraining } }
    }
    /// The generator shared by this module's tree, for initializers and Dropout.
    var randomness: RandomnessSource
    /// Set by ``compile(optimizer:loss:metrics:)``.
    var configuration: TrainingConfiguration?
    /// Set by a callback (e.g. EarlyStopping) to end ``fit`` after the current epoch.
    public var stopTraining = false
    let hasExplicitName: Bool

    /// Creates a module. `seed` fixes the random generator of this module and of every
    /// sub-module it contains; without one, a random seed is drawn.
    public init(name: String? = nil, seed: UInt64? = nil) {
        self.name = name ?? ""
        self.hasExplicitName = name != nil
        self.randomness = RandomnessSource(seed: seed)
        adoptDescendants()
    }

    /// The base name used for automatic naming (`dense`, `conv2d`, ...).
    open class var baseName: String { "module" }

    /// Runs the module. Subclasses override this.
    open func callAsFunction(_ input: Tensor) -> Tensor {
        preconditionFailure("\(type(of: self)) must override callAsFunction(_:)")
    }

    /// Checks that the module accepts per-example input of `inputShape` (no batch axis),
    /// creates any parameters not yet created, and returns the per-example output shape.
    ///
    /// The default checks that no two layers share a name, then runs the module once on a
    /// single zero example.
    @discardableResult
    open func build(inputShape: [Int]) throws -> [Int] {
        try checkLayerNamesOnce()
        let output = withoutGradients { self(Tensor(zeros: [1] + inputShape)) }
        return Array(output.shape.dropFirst())
    }

    /// Checks the values of a batch before it is used (shapes are checked by ``build(inputShape:)``);
    /// throws a ``CortexError``. The default checks nothing; a model checks its first layer.
    open func validate(input: Tensor) throws {
        try children.first?.validate(input: input)
    }

    /// The direct sub-modules, in declaration order.
    public var children: [Module] {
        var result: [Module] = []
        forEachStoredValue { value in
            if let module = value as? Module { result.append(module) }
        }
        return result
    }

    /// This module's own parameters (not its children's), in declaration order.
    open var ownParameters: [Parameter] {
        var result: [Parameter] = []
        forEachStoredValue { value in
            if let parameter = value as? Parameter { result.append(parameter) }
        }
        return result
    }

    /// This module's own parameters that carry a regularizer.
    open var regularizedParameters: [(Regularizer, Parameter)] { [] }

    /// Every parameter of this module and its sub-modules, in a stable order.
    public var parameters: [Parameter] { namedParameters.map(\.1) }

    /// Every parameter with its key `<layer name>.<parameter name>`, in a stable order.
    public var namedParameters: [(String, Parameter)] {
        var result: [(String, Parameter)] = []
        for module in modulesInOrder() {
            for parameter in module.ownParameters { result.append(("\(module.name).\(parameter.name)", parameter)) }
        }
        return result
    }

    /// Parameters that optimizers update.
    public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

    /// This module and all below it, depth first in declaration order, each once (a layer
    /// used twice is one layer).
    func modulesInOrder() -> [Module] {
        var result: [Module] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ module: Module) {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            result.append(module)
            for child in module.children { visit(child) }
        }
        visit(self)
        return result
    }

    /// Shares this module's generator and training mode with every descendant, and names
    /// unnamed layers within this model (`dense`, `dense_1`, ...), skipping names given
    /// explicitly (as Keras makes automatic names unique).
    func adoptDescendants() {
        let descendants = modulesInOrder().dropFirst()
        let explicit = Set(descendants.filter(\.hasExplicitName).map(\.name))
        var counts: [String: Int] = [:]
        for module in descendants {
            module.randomness = randomness
            module.isTraining = isTraining
            if !module.hasExplicitName && module is Layer {
                let base = type(of: module).baseName
                var n = counts[base, default: 0]
                while explicit.contains(n == 0 ? base : "\(base)_\(n)") { n += 1 }
                module.name = n == 0 ? base : "\(base)_\(n)"
                counts[base] = n + 1
            }
        }
        if !hasExplicitName && name.isEmpty { name = type(of: self).baseName }
    }

    /// Whether ``checkLayerNames()`` has passed; `build` checks until it has (the walk uses
    /// reflection, too slow for every `predict`), saves check every time.
    private var layerNamesChecked = false

    /// ``checkLayerNames()`` until it first passes.
    func checkLayerNamesOnce() throws {
        guard !layerNamesChecked else { return }
        try checkLayerNames()
        layerNamesChecked = true
    }

    /// Throws when two layers of this model share a name (files name weights by layer, so
    /// they would collide); Keras refuses such models too. Both layers are named in the error.
    func checkLayerNames() throws {
        var first: [String: (index: Int, module: Module)] = [:]
        for (index, module) in modulesInOrder().dropFirst().enumerated()
        where module is Layer || !module.ownParameters.isEmpty {
            if let earlier = first[module.name] {
                throw CortexError(
                    .invalidArgument,
                    "\(name) has two layers named \"\(module.name)\": layer \(earlier.index + 1) (\(type(of: earlier.module))) and layer \(index + 1) (\(type(of: module))); give each a unique name"
                )
            }
            first[module.name] = (index, module)
        }
    }

    /// Calls `body` with each stored property value, unwrapping optionals and arrays.
    private func forEachStoredValue(_ body: (Any) -> Void) {
        func visit(_ value: Any) {
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let wrapped = mirror.children.first { visit(wrapped.value) }
            case .collection:
                for element in mirror.children { visit(element.value) }
            default:
                body(value)
            }
        }
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let m = mirror, m.subjectType != Module.self {
            levels.append(m)
            mirror = m.superclassMirror
        }
        for level in levels.reversed() {
            for child in level.children where child.label != "randomness" && child.label != "configuration" {
                visit(child.value)
            }
        }
    }
}

/// A shared, mutable random generator for one model's layers.
final class RandomnessSource {
    var generator: RandomGenerator
    init(seed: UInt64?) { generator = seed.map(RandomGenerator.init(seed:)) ?? RandomGenerator() }
}
