import Foundation

@testable import Cortex

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func table(_ name: String) throws -> Table {
    try CSV.load(repositoryRoot.appendingPathComponent("Data/tabular/\(name).csv"))
}

/// A standardized, seeded 80/20 split of a bundled table.
func standardizedSplit(_ name: String, seed: UInt64 = 0) throws -> (Tensor, Tensor, Tensor, Tensor) {
    let data = try table(name)
    var rng = RandomGenerator(seed: seed)
    let (trainX, trainY, testX, testY) = try trainTestSplit(data.features, data.target, testFraction: 0.2, using: &rng)
    var scaler = StandardScaler()
    return (try scaler.fitTransform(trainX), trainY, try scaler.transform(testX), testY)
}
