/// Splits paired rows at random into a training and a test part.
///
/// The permutation comes from `generator`, so a seed fixes the split.
public func trainTestSplit(
    _ x: Tensor, _ y: Tensor, testFraction: Float, using generator: inout RandomGenerator
) throws -> (trainX: Tensor, trainY: Tensor, testX: Tensor, testY: Tensor) {
    guard x.rank >= 1, y.rank >= 1, x.shape[0] == y.shape[0] else {
        throw CortexError(
            .invalidData, "trainTestSplit: labels has \(y.shape.first ?? 0) rows but inputs has \(x.shape.first ?? 0)")
    }
    let rows = x.shape[0]
    // Checked before the conversion to Int, which traps on NaN and infinities.
    guard testFraction > 0, testFraction < 1 else {
        throw CortexError(.invalidArgument, "trainTestSplit: testFraction must be in (0, 1), got \(testFraction)")
    }
    let testRows = Int((Float(rows) * testFraction).rounded())
    guard testRows > 0, testRows < rows else {
        throw CortexError(
            .invalidArgument, "trainTestSplit: testFraction \(testFraction) of \(rows) rows leaves an empty part")
    }
    var order = Array(0..<rows)
    generator.shuffle(&order)
    let test = order[..<testRows], train = order[testRows...]
    return (x.gatheringRows(train), y.gatheringRows(train), x.gatheringRows(test), y.gatheringRows(test))
}
