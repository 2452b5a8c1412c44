import Testing

@testable import Cortex

/// One differentiable op and the samples it is checked on, in the manner of PyTorch's OpInfo.
///
/// `name` is the op's declaration as Swift spells its selector (`sum(alongAxes:)`,
/// `conv2d(_:_:bias:strides:padding:)`); operators and subscripts give their operand types
/// (`+(Tensor,Float)`, `subscript(Int)`); losses are named by their type (`MeanSquaredError`).
/// ``OpTableTests`` requires every differentiable declaration in `Sources/Cortex/Tensor/` and
/// every loss type in `Sources/Cortex/Losses/` to have an entry under that name.
struct OpInfo: Sendable {
    /// The declaration under test.
    let name: String
    /// The calls it is checked on, each with its own inputs.
    let samples: [OpSample]

    init(_ name: String, _ samples: [OpSample]) {
        self.name = name
        self.samples = samples.map { sample in
            var named = sample
            named.op = name
            return named
        }
    }
}

/// One call of an op: inputs, which of them are differentiated, the output shape the op's
/// documentation promises, and how closely finite differences must agree.
struct OpSample: Sendable, Identifiable, CustomTestStringConvertible {
    /// The op's ``OpInfo/name`` (set by the entry).
    fileprivate(set) var op = ""
    /// What distinguishes this sample from the op's others (shapes, arguments).
    let label: String
    /// The inputs; differentiable ones are snapped to ``GradientCheck/grid``.
    let inputs: [Tensor]
    /// Indices of the inputs whose gradients are checked (the others are labels, indices or
    /// targets the op does not differentiate).
    let differentiable: [Int]
    /// The output shape, computed by the documented rule (see ``ShapeRule``).
    let outputShape: [Int]
    /// Step, stencil and tolerances of the gradient check.
    let settings: GradientCheck.Settings
    /// Whether the op broadcasts its inputs element-wise (NumPy rules); such samples are also
    /// compared with the same op on inputs expanded to the output shape.
    let broadcasts: Bool
    /// The call under test.
    let function: @Sendable ([Tensor]) -> Tensor

    /// - Parameters:
    ///   - label: what distinguishes the sample (unique within its op).
    ///   - inputs: the op's tensor inputs.
    ///   - differentiable: the inputs to check gradients of (default: all).
    ///   - shape: the expected output shape.
    ///   - settings: gradient-check step and tolerances.
    ///   - broadcasts: whether the op broadcasts element-wise.
    ///   - function: the call, over `inputs` in order.
    init(
        _ label: String, _ inputs: [Tensor], differentiable: [Int]? = nil, shape: [Int],
        settings: GradientCheck.Settings = .init(), broadcasts: Bool = false,
        _ function: @escaping @Sendable ([Tensor]) -> Tensor
    ) {
        let differentiable = differentiable ?? Array(inputs.indices)
        self.label = label
        self.inputs = inputs.indices.map {
            differentiable.contains($0) ? GradientCheck.snapped(inputs[$0]) : inputs[$0]
        }
        self.differentiable = differentiable
        self.outputShape = shape
        self.settings = settings
        self.broadcasts = broadcasts
        self.function = function
    }

    var id: String { "\(op) \(label)" }
    var testDescription: String { id }
}

/// Where a sample's inputs are drawn from: values kept away from the op's kinks.
enum Domain: Sendable {
    /// Uniform in the range.
    case uniform(ClosedRange<Float>)
    /// Uniform in the range, but at least `margin` away from each of the points (ReLU's 0,
    /// a clip's bounds).
    case avoiding([Float], margin: Float, in: ClosedRange<Float>)
    /// Distinct values `spacing` apart, centred on zero, in random order: no two elements are
    /// close, so a maximum never changes hands within a finite-difference step.
    case distinct(spacing: Float)

    /// A tensor of `shape` from this domain, snapped to ``GradientCheck/grid``.
    func tensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let count = shape.reduce(1, *)
        func uniform(_ range: ClosedRange<Float>) -> Float {
            range.lowerBound + (range.upperBound - range.lowerBound) * rng.nextUnitFloat()
        }
        let values: [Float]
        switch self {
        case .uniform(let range):
            values = (0..<count).map { _ in uniform(range) }
        case .avoiding(let points, let margin, let range):
            values = (0..<count).map { _ in
                while true {
                    let v = uniform(range)
                    if points.allSatisfy({ Swift.abs(v - $0) >= margin }) { return v }
                }
            }
        case .distinct(let spacing):
            var shuffled = (0..<count).map { (Float($0) - Float(count - 1) / 2) * spacing }
            rng.shuffle(&shuffled)
            values = shuffled
        }
        return GradientCheck.snapped(Tensor(values, shape: shape))
    }
}

/// Inputs drawn uniformly from `range` (the common case), snapped.
func uniform(_ shape: [Int], _ range: ClosedRange<Float> = -1...1, seed: UInt64) -> Tensor {
    Domain.uniform(range).tensor(shape, seed: seed)
}

/// The first candidate, over seeds `0, 1, 2, ...`, that `accept` takes; for inputs that must
/// keep every pre-activation or pooling window away from a kink.
func firstAccepted<T>(_ make: (UInt64) -> T, where accept: (T) -> Bool) -> T {
    for seed in UInt64(0)..<1000 {
        let candidate = make(seed)
        if accept(candidate) { return candidate }
    }
    fatalError("firstAccepted: no candidate in 1000 seeds; widen the margin or shrink the sample")
}

/// Output shapes by the rules the ops document, written independently of the ops' own code.
enum ShapeRule {
    /// NumPy broadcasting: align trailing axes; each pair must match or contain a 1.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        return zip(pa, pb).map { x, y in
            precondition(x == y || x == 1 || y == 1, "ShapeRule.broadcast: \(a) and \(b) do not broadcast")
            return x == 1 ? y : x
        }
    }

    /// A reduction over `axes` (negative ones count from the end), kept as size-1 axes or removed.
    static func reduced(_ shape: [Int], axes: [Int], keeping: Bool) -> [Int] {
        let normalized = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
        return shape.indices.compactMap { i in normalized.contains(i) ? (keeping ? 1 : nil) : shape[i] }
    }

    /// One spatial size of a window op: `.valid` keeps whole windows, `.same` gives ceil(n / stride).
    static func windowed(_ size: Int, window: Int, stride: Int, same: Bool) -> Int {
        same ? (size + stride - 1) / stride : (size - window) / stride + 1
    }

    /// A convolution of NHWC `input` with a `[kh, kw, cin, cout]` kernel.
    static func convolved(_ input: [Int], kernel: [Int], strides: (Int, Int), same: Bool) -> [Int] {
        [
            input[0], windowed(input[1], window: kernel[0], stride: strides.0, same: same),
            windowed(input[2], window: kernel[1], stride: strides.1, same: same), kernel[3],
        ]
    }

    /// A pooling of NHWC `input` (the channels are kept).
    static func pooled(_ input: [Int], window: (Int, Int), strides: (Int, Int), same: Bool) -> [Int] {
        [
            input[0], windowed(input[1], window: window.0, stride: strides.0, same: same),
            windowed(input[2], window: window.1, stride: strides.1, same: same), input[3],
        ]
    }

    /// A (batched) matrix product of `a` and `b` after the optional transposes of their last two axes.
    static func product(_ a: [Int], _ b: [Int], transposeA: Bool = false, transposeB: Bool = false) -> [Int] {
        let m = transposeA ? a[a.count - 1] : a[a.count - 2]
        let n = transposeB ? b[b.count - 2] : b[b.count - 1]
        return Array(a.dropLast(2)) + [m, n]
    }
}

extension OpInfo {
    /// Shapes for element-wise ops: a scalar, then ranks 1 to 4.
    static let elementwiseShapes: [[Int]] = [[], [5], [3, 4], [2, 3, 4], [2, 2, 3, 2]]

    /// Operand shapes for binary ops: equal shapes, a scalar tensor or a one-element tensor on
    /// either side, trailing-axis and size-1 broadcasting, both operands broadcast, and a
    /// one-element operand of higher rank (which raises the result's rank).
    static let broadcastingPairs: [([Int], [Int])] = [
        ([6], [6]), ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 3], [2, 1]), ([3, 1], [1, 4]),
        ([2, 1, 3], [4, 1]), ([2, 3, 4, 2], [3, 1, 2]), ([1, 3, 1, 2], [2, 1, 4, 1]), ([], [2, 3]), ([2, 3], []),
        ([2, 3], [1]), ([1], [2, 3]), ([2, 3], [1, 1, 1]), ([], []),
    ]

    /// An element-wise op of one tensor, on ``elementwiseShapes`` with inputs from `domain`.
    static func elementwise(
        _ name: String, domain: Domain = .uniform(-2...2), settings: GradientCheck.Settings = .init(),
        _ f: @escaping @Sendable (Tensor) -> Tensor
    ) -> OpInfo {
        OpInfo(name, elementwiseSamples(domain: domain, settings: settings, f))
    }

    /// Samples of an element-wise op on ``elementwiseShapes``, labelled `<prefix>[shape]`.
    static func elementwiseSamples(
        _ prefix: String = "", domain: Domain = .uniform(-2...2), settings: GradientCheck.Settings = .init(),
        _ f: @escaping @Sendable (Tensor) -> Tensor
    ) -> [OpSample] {
        elementwiseShapes.enumerated().map { i, shape in
            OpSample("\(prefix)\(shape)", [domain.tensor(shape, seed: UInt64(i + 1))], shape: shape, settings: settings)
            {
                f($0[0])
            }
        }
    }

    /// A broadcasting element-wise op of two tensors, on ``broadcastingPairs``.
    static func broadcasting(
        _ name: String, lhs: Domain = .uniform(-2...2), rhs: Domain = .uniform(-2...2),
        _ f: @escaping @Sendable (Tensor, Tensor) -> Tensor
    ) -> OpInfo {
        OpInfo(
            name,
            broadcastingPairs.enumerated().map { i, pair in
                OpSample(
                    "\(pair.0) with \(pair.1)",
                    [lhs.tensor(pair.0, seed: UInt64(2 * i + 1)), rhs.tensor(pair.1, seed: UInt64(2 * i + 2))],
                    shape: ShapeRule.broadcast(pair.0, pair.1), broadcasts: true
                ) { f($0[0], $0[1]) }
            })
    }
}
