/// Inverted dropout: in training mode, zeroes each element with probability `rate` and scales
/// the rest by `1 / (1 - rate)`; in inference mode, the identity. Output shape equals input shape.
public final class Dropout: Layer {
    /// The fraction of elements zeroed in training.
    public let rate: Float

    /// Creates a dropout layer.
    ///
    /// - Parameters:
    ///   - rate: the fraction of elements zeroed in training, in `0..<1`.
    ///   - name: the layer's name (default `dropout`, ... within its model).
    public init(rate: Float, name: String? = nil) {
        check(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1), got \(rate)")
        self.rate = rate
        super.init(name: name)
    }

    public override class var baseName: String { "dropout" }

    public override func forward(_ input: Tensor) -> Tensor {
        guard isTraining && rate > 0 else { return input }
        let keep = 1 - rate, scale = 1 / keep
        var generator = randomness.generator  // a local copy keeps the loop free of exclusivity checks
        let mask = Tensor(uninitializedShape: input.shape) { m in
            for i in 0..<m.count { m[i] = generator.nextUnitFloat() < keep ? scale : 0 }
        }
        randomness.generator = generator
        return input * mask
    }
}
