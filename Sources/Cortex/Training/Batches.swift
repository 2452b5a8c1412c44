/// Mini-batches of paired rows, in order or shuffled once when created.
///
/// ```swift
/// for (xb, yb) in Batches(x, y, batchSize: 64, shuffle: true, using: &rng) { ... }
/// ```
/// The last batch holds the remaining rows when the row count is not a multiple of the batch size.
/// Each batch is gathered (and, with an ``ImageAugmentation``, augmented) when it is reached, so
/// the data set is never copied whole.
public struct Batches: Sequence {
    public let inputs: Tensor
    public let targets: Tensor
    public let batchSize: Int
    /// The row order of this pass.
    public let order: [Int]
    /// Applied to each input batch, with its own generator seeded from the one given.
    public let augmentation: ImageAugmentation?
    private let augmentationSeed: UInt64

    public init(
        _ inputs: Tensor, _ targets: Tensor, batchSize: Int, shuffle: Bool = false,
        augmentation: ImageAugmentation? = nil, using generator: inout RandomGenerator
    ) {
        check(batchSize > 0, "Batches: batch size must be positive, got \(batchSize)")
        check(
            inputs.shape.first == targets.shape.first,
            "Batches: inputs have \(inputs.shape.first ?? 0) rows but targets have \(targets.shape.first ?? 0)")
        self.inputs = inputs
        self.targets = targets
        self.batchSize = batchSize
        var order = Array(0..<(inputs.shape.first ?? 0))
        if shuffle { generator.shuffle(&order) }
        self.order = order
        self.augmentation = augmentation
        self.augmentationSeed = augmentation == nil ? 0 : generator.next()
    }

    /// The number of batches.
    public var count: Int { (order.count + batchSize - 1) / batchSize }

    public func makeIterator() -> AnyIterator<(Tensor, Tensor)> {
        var start = 0
        var generator = RandomGenerator(seed: augmentationSeed)
        return AnyIterator {
            guard start < order.count else { return nil }
            let rows = order[start..<Swift.min(start + batchSize, order.count)]
            start += batchSize
            let batch = inputs.gatheringRows(rows)
            return (augmentation.map { $0(batch, using: &generator) } ?? batch, targets.gatheringRows(rows))
        }
    }
}
