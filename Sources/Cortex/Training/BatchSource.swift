/// Where `fit` takes the batches of each epoch from. In-memory tensors (`TensorBatchSource`),
/// Poisson sampling for private training and streamed data sets are sources; the training
/// loop only iterates them.
protocol BatchSource {
    /// The number of examples per epoch, when known (for the progress bar and privacy accounting).
    var exampleCount: Int? { get }
    /// The number of steps per epoch, when known.
    var stepsPerEpoch: Int? { get }
    /// The steps of epoch `epoch`, for process `shard.index` of `shard.count` (each takes its
    /// share of every global batch). `generator` drives shuffling; every process passes an equal
    /// one so that the global batches agree.
    func epoch(_ epoch: Int, shard: Shard, using generator: inout RandomGenerator) throws -> AnyIterator<StepBatch>
}

/// One process's place among `count` processes that split every global batch.
struct Shard: Equatable {
    let index: Int
    let count: Int

    /// The whole batch, for one process.
    static let whole = Shard(index: 0, count: 1)

    /// This process's contiguous part of `rows` items: sizes differ by at most one, and every
    /// process gets a (possibly empty) part.
    func part(of rows: Int) -> Range<Int> { (rows * index / count)..<(rows * (index + 1) / count) }
}

/// Mini-batches of in-memory tensors: shuffled each epoch when asked, the last batch holding
/// the rest; each batch gathered (and augmented) when it is reached.
struct TensorBatchSource: BatchSource {
    let inputs: [Tensor]
    let targets: [Tensor]
    let sampleWeights: Tensor?
    let batchSize: Int
    let shuffle: Bool
    let augmentation: ImageAugmentation?

    var exampleCount: Int? { inputs[0].shape.first ?? 0 }
    var stepsPerEpoch: Int? { ((inputs[0].shape.first ?? 0) + batchSize - 1) / batchSize }

    func epoch(_ epoch: Int, shard: Shard, using generator: inout RandomGenerator) throws -> AnyIterator<StepBatch> {
        let rows = inputs[0].shape.first ?? 0
        var order = Array(0..<rows)
        if shuffle { generator.shuffle(&order) }
        var augmenter = augmentation.map { _ in RandomGenerator(seed: generator.next()) }
        let (inputs, targets, weights, batchSize, augmentation) = (
            self.inputs, self.targets, sampleWeights, self.batchSize, self.augmentation
        )
        var start = 0
        return AnyIterator {
            guard start < rows else { return nil }
            let global = order[start..<Swift.min(start + batchSize, rows)]
            start += batchSize
            let part = shard.part(of: global.count)
            let mine = global[(global.startIndex + part.lowerBound)..<(global.startIndex + part.upperBound)]
            var batch = Batch(
                inputs: inputs.map { $0.gatheringRows(mine) }, targets: targets.map { $0.gatheringRows(mine) },
                sampleWeights: weights?.gatheringRows(mine))
            if let augmentation, !mine.isEmpty { batch.inputs[0] = augmentation(batch.inputs[0], using: &augmenter!) }
            return StepBatch(local: batch, globalCount: global.count)
        }
    }
}
