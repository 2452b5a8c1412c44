import Foundation

@inline(__always) func _log(_ x: Float) -> Float { Foundation.log(x) }
@inline(__always) func _cos(_ x: Float) -> Float { Foundation.cos(x) }

extension Tensor {
    /// Samples from a normal distribution.
    public static func randomNormal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout RandomGenerator
    ) -> Tensor {
        Tensor(uninitializedShape: shape) { out in
            for i in 0..<out.count { out[i] = mean + standardDeviation * generator.nextNormal() }
        }
    }

    /// Samples uniformly from `range`.
    public static func randomUniform(
        _ shape: [Int], in range: ClosedRange<Float> = 0...1, using generator: inout RandomGenerator
    ) -> Tensor {
        let low = range.lowerBound, width = range.upperBound - range.lowerBound
        return Tensor(uninitializedShape: shape) { out in
            for i in 0..<out.count { out[i] = low + width * generator.nextUnitFloat() }
        }
    }

    /// Samples from a normal distribution truncated to two standard deviations (redrawing outliers).
    public static func randomTruncatedNormal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout RandomGenerator
    ) -> Tensor {
        Tensor(uninitializedShape: shape) { out in
            for i in 0..<out.count {
                var z = generator.nextNormal()
                while abs(z) > 2 { z = generator.nextNormal() }
                out[i] = mean + standardDeviation * z
            }
        }
    }
}
