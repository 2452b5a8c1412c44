/// Flattens each example: `[batch, d1, d2, ...]` becomes `[batch, d1 * d2 * ...]`.
public final class Flatten: Layer {
    public override init(name: String? = nil, seed: UInt64? = nil) { super.init(name: name) }
    public override class var baseName: String { "flatten" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
        [inputShape.reduce(1, *)]
    }

    public override func forward(_ input: Tensor) -> Tensor { input.reshaped([input.shape[0], -1]) }
}
