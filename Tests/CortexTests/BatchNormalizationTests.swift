import Foundation
import Testing

@testable import Cortex

@Suite struct BatchNormalizationTests {
    /// Per-channel mean and biased variance of a channels-last tensor, in Double.
    func statistics(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
        let c = x.shape.last!, rows = x.count / c, v = x.scalars
        var mean = [Double](repeating: 0, count: c), variance = mean
        for r in 0..<rows { for j in 0..<c { mean[j] += Double(v[r * c + j]) / Double(rows) } }
        for r in 0..<rows { for j in 0..<c { variance[j] += pow(Double(v[r * c + j]) - mean[j], 2) / Double(rows) } }
        return (mean, variance)
    }

    @Test func trainingModeNormalizesAndUpdatesMovingStatistics() throws {
        let model = Sequential(seed: 1) { BatchNormalization() }
        let x = random([2, 3, 3, 4], seed: 1, in: -2...5)
        try model.build(inputShape: [3, 3, 4])
        let bn = model.layers[0] as! BatchNormalization
        bn.gamma.value = Tensor([1, 2, 0.5, -1])
        bn.beta.value = Tensor([0, 1, -1, 0.25])
        model.isTraining = true
        let y = model(x)
        let (mean, variance) = statistics(x)
        var expected = [Float](repeating: 0, count: x.count)
        for (i, v) in x.scalars.enumerated() {
            let c = i % 4
            expected[i] =
                Float((Double(v) - mean[c]) / (variance[c] + 1e-3).squareRoot()) * bn.gamma.value.scalars[c]
                + bn.beta.value.scalars[c]
        }
        expectClose(y.scalars, expected, tolerance: 1e-5)
        expectClose(bn.movingMean.value.scalars, mean.map { Float(0.01 * $0) }, tolerance: 1e-5)
        expectClose(bn.movingVariance.value.scalars, variance.map { Float(0.99 + 0.01 * $0) }, tolerance: 1e-5)
        #expect(bn.trainableParameters.count == 2 && bn.parameters.count == 4)
        #expect(
            model.namedParameters.map(\.0) == [
                "batch_normalization.gamma", "batch_normalization.beta", "batch_normalization.moving_mean",
                "batch_normalization.moving_variance",
            ])
    }

    @Test func inferenceUsesMovingStatistics() throws {
        let bn = BatchNormalization()
        try bn.build(inputShape: [3])
        bn.movingMean.value = Tensor([1, -1, 0])
        bn.movingVariance.value = Tensor([4, 1, 0.25])
        bn.gamma.value = Tensor([2, 1, 1])
        let x = Tensor([3, 0, 1, 5, -2, 0], shape: [2, 3])
        let expected = [
            2 * 2 / Float(4.001).squareRoot(), 1 / Float(1.001).squareRoot(), 1 / Float(0.251).squareRoot(),
            2 * 4 / Float(4.001).squareRoot(), -1 / Float(1.001).squareRoot(), 0,
        ]
        expectClose(bn(x).scalars, expected, tolerance: 1e-5)
        #expect(bn.movingMean.value.scalars == [1, -1, 0])  // inference leaves them alone
    }

    @Test func inferenceModeGradients() {
        // Training mode is the batchNormalization op (OpTable); inference is plain tensor
        // arithmetic, and its gradient flows too.
        let bn = BatchNormalization()
        _ = try? bn.build(inputShape: [3])
        checkGradients([random([4, 3], seed: 8)]) { bn($0[0]) }
    }
}
