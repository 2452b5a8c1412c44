/// Mini-batches of paired rows, in order or shuffled once when created.
///
/// ```swift
/// for (xb, yb) in Batches(x, y, batchSize: 64, shuffle: true, using: &rng) { ... }
/// ```
/// The last batch holds the remaining rows when the row count is not a multiple of the batch size.
public struct Batches: Sequence {
    public let inputs: Tensor
    public let targets: Tensor
    public let batchSize: Int
    /// The row order of this pass.
    public let order: [Int]

    public init(_ inputs: Tensor, _ targets: Tensor, batchSize: Int, shuffle: Bool = false, using generator: inout RandomGenerator) {
        precondition(batchSize > 0, "Batches: batch size must be positive, got \(batchSize)")
        precondition(
            inputs.shape.first == targets.shape.first,
            "Batches: inputs have \(inputs.shape.first ?? 0) rows but targets have \(targets.shape.first ?? 0)")
        self.inputs = inputs
        self.targets = targets
        self.batchSize = batchSize
        var order = Array(0..<(inputs.shape.first ?? 0))
        if shuffle { generator.shuffle(&order) }
        self.order = order
    }

    /// The number of batches.
    public var count: Int { (order.count + batchSize - 1) / batchSize }

    public func makeIterator() -> AnyIterator<(Tensor, Tensor)> {
        var start = 0
        return AnyIterator {
            guard start < order.count else { return nil }
            let rows = order[start..<Swift.min(start + batchSize, order.count)]
            start += batchSize
            return (inputs.gatheringRows(rows), targets.gatheringRows(rows))
        }
    }
}
