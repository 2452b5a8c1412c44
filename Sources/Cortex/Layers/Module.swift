/// The base class of layers and models.
///
/// Subclass `Module` and write ``callAsFunction(_:)`` to make a custom model. Its layers and
/// parameters are found by reflection over stored properties, in declaration order, so they
/// need not be listed by hand: a `Parameter` or `Module`, and those inside optionals, arrays,
/// dictionaries (in key order), tuples and structs. A layer in a `Set` (no stable order) stops
/// with a message; one held by an object of another class is not found:
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
    /// While ``fit`` runs with several processes, their coordinator (callbacks use it to act on
    /// one process only, such as writing a checkpoint); nil otherwise.
    public internal(set) var trainingCoordinator: (any TrainingCoordinator)?
    let hasExplicitName: Bool

    /// Creates a module. `seed` fixes the random generator of this module and of every
    /// sub-module it contains; without one, a random seed is drawn.
    public init(name: String? = nil, seed: UInt64? = nil) {
        self.name = name ?? ""
        self.hasExplicitName = name != nil
        self.randomness = RandomnessSource(seed: seed)
        for parameter in declaredParameters { parameter.owner = self }
        adoptDescendants()
    }

    /// The base name used for automatic naming (`dense`, `conv2d`, ...).
    open class var baseName: String { "module" }

    /// Runs the module. Subclasses override this.
    open func callAsFunction(_ input: Tensor) -> Tensor {
        programmingError("\(type(of: self)) must override callAsFunction(_:)")
    }

    /// Runs the module, leaving out its last step when that is `activation` (softmax or
    /// sigmoid), so that a loss can use its stable form on the activation's input; returns the
    /// result and whether the activation was left out. The default leaves nothing out.
    func callAsFunction(_ input: Tensor, deferring activation: ActivationFunction) -> (Tensor, Bool) {
        (self(input), false)
    }

    /// The number of inputs the module takes (one, unless it is a graph with several).
    open var inputCount: Int { 1 }
    /// The number of outputs the module gives (one, unless it is a graph with several).
    open var outputCount: Int { 1 }
    /// The outputs' names, used in the logs of a model with several outputs.
    open var outputNames: [String] { [name] }

    /// Runs a module with several inputs or outputs: one tensor per input, one per output. The
    /// default runs ``callAsFunction(_:)`` on the single input.
    open func callAsFunction(_ inputs: [Tensor]) -> [Tensor] {
        check(inputs.count == 1, "\(name) takes 1 input, got \(inputs.count)")
        return [self(inputs[0])]
    }

    /// ``callAsFunction(_:deferring:)`` for every output: each output whose last step is the
    /// given activation is returned without it.
    func callAsFunction(_ inputs: [Tensor], deferring activations: [ActivationFunction?]) -> [(Tensor, Bool)] {
        check(inputs.count == 1, "\(name) takes 1 input, got \(inputs.count)")
        guard let activation = activations[0] else { return [(self(inputs[0]), false)] }
        return [self(inputs[0], deferring: activation)]
    }

    /// Checks and builds the module for per-example shapes of each input; returns the
    /// per-example shape of each output. The default builds for the single input.
    @discardableResult
    open func build(inputShapes: [[Int]]) throws -> [[Int]] {
        guard inputShapes.count == 1 else {
            throw CortexError(.shapeMismatch, "\(name) takes 1 input, got \(inputShapes.count)")
        }
        return [try build(inputShape: inputShapes[0])]
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

    /// This module's own parameters (not its children's) that have values, in declaration order.
    open var ownParameters: [Parameter] { declaredParameters.filter(\.isBuilt) }

    /// This module's own parameters, built or not, in declaration order.
    var declaredParameters: [Parameter] {
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

    /// Calls `body` with each `Module` and `Parameter` held in a stored property, in
    /// declaration order, looking inside optionals, arrays, dictionaries (in key order),
    /// tuples and structs. A module or parameter in a set (which has no order) stops with a
    /// message; one held by an object of another class is not found (documented on ``Module``).
    private func forEachStoredValue(_ body: (AnyObject) -> Void) {
        func search(_ value: Any, _ found: (AnyObject) -> Void) {
            switch value {
            case is Module, is Parameter: found(value as AnyObject)
            default:
                for child in Mirror(reflecting: value).children { search(child.value, found) }
            }
        }
        func visit(_ value: Any, path: String) {
            switch value {
            case let module as Module: return body(module)
            case let parameter as Parameter: return body(parameter)
            case is Tensor, is String, is [Float], is [Int], is [Double], is Int, is Float, is Double, is Bool:
                return
            default: break
            }
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional, .collection, .tuple, .struct, .enum:
                for (index, child) in mirror.children.enumerated() {
                    visit(child.value, path: path + "." + (child.label ?? String(index)))
                }
            case .dictionary:
                let entries = mirror.children.compactMap { entry -> (String, Any)? in
                    let pair = Array(Mirror(reflecting: entry.value).children)
                    return pair.count == 2 ? (String(describing: pair[0].value), pair[1].value) : nil
                }
                for (key, element) in entries.sorted(by: { $0.0 < $1.0 }) { visit(element, path: path + "[\(key)]") }
            case .set:
                var found = false
                for child in mirror.children { search(child.value) { _ in found = true } }
                check(
                    !found,
                    "\(type(of: self)).\(path) holds layers or parameters in a Set, which has no order: use an array or a dictionary"
                )
            default:
                return
            }
        }
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let m = mirror, m.subjectType != Module.self {
            levels.append(m)
            mirror = m.superclassMirror
        }
        for level in levels.reversed() {
            for child in level.children
            where !["randomness", "configuration", "trainingCoordinator"].contains(child.label) {
                visit(child.value, path: child.label ?? "?")
            }
        }
    }
}

/// A shared, mutable random generator for one model's layers.
final class RandomnessSource {
    var generator: RandomGenerator
    init(seed: UInt64?) { generator = seed.map(RandomGenerator.init(seed:)) ?? RandomGenerator() }
}
