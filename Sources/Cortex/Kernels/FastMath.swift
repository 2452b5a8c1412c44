/// Vectorized exp, sigmoid and tanh over 8 lanes, for the activation and loss kernels.
///
/// `exp` follows Cephes's `expf`: n = round(x / ln 2) with the 1.5·2²³ rounding trick (plain
/// arithmetic, so it vectorizes), a degree-5 polynomial on the reduced argument, and 2ⁿ built in
/// the exponent bits. Relative error stays within a few ulp over the clamped range.
enum FastMath {
    @inline(__always)
    static func exp(_ x: Float8) -> Float8 {
        let x = x.replacing(with: 88.37626, where: x .> 88.37626).replacing(with: -87.33654, where: x .< -87.33654)
        let magic = Float8(repeating: 12_582_912)  // 1.5 * 2^23: adding it rounds to an integer
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Float8(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 0.166_666_655
        p = p * r + 0.500_000_01
        let y = p * (r * r) + r + 1
        // 2^n: n sits in the low mantissa bits of `shifted`; move it into the exponent.
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: Float8.self)
        return y * scale
    }

    @inline(__always)
    static func sigmoid(_ x: Float8) -> Float8 { 1 / (1 + exp(-x)) }

    /// Natural logarithm for positive normal inputs (Cephes `logf`): x = m·2^e with
    /// m in [√½, √2), then a degree-8 polynomial in m - 1.
    @inline(__always)
    static func log(_ x: Float8) -> Float8 {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        var e = Float8((bits &>> 23) &- 127)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: Float8.self)  // in [1, 2)
        let big = m .> 1.414_213_56
        m = m.replacing(with: m * 0.5, where: big)
        e = e.replacing(with: e + 1, where: big)
        let f = m - 1, z = f * f
        var p = Float8(repeating: 7.037_683_6e-2)
        p = p * f - 1.151_461_03e-1
        p = p * f + 1.167_699_87e-1
        p = p * f - 1.242_014_08e-1
        p = p * f + 1.424_932_28e-1
        p = p * f - 1.666_805_77e-1
        p = p * f + 2.000_071_48e-1
        p = p * f - 2.499_999_4e-1
        p = p * f + 3.333_333_1e-1
        let y = p * f * z - 0.5 * z + e * -2.121_944_4e-4
        return f + y + e * 0.693_359_375
    }

    @inline(__always)
    static func tanh(_ x: Float8) -> Float8 {
        // tanh x = 1 - 2 / (e^{2x} + 1); exact limits ±1 for large |x|.
        1 - 2 / (exp(x + x) + 1)
    }

    /// Applies `f` over `count` elements, 8 at a time, with a scalar tail done through a padded lane.
    @inline(__always)
    static func apply(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float8) -> Float8
    ) {
        var i = 0
        while i + 8 <= count {
            store8(f(load8(src + i)), dst + i)
            i += 8
        }
        if i < count {
            var lane = Float8()
            for j in i..<count { lane[j - i] = src[j] }
            let out = f(lane)
            for j in i..<count { dst[j] = out[j - i] }
        }
    }

    /// Applies `f` over `count` elements, split across threads when there are many.
    @inline(__always)
    static func applyInParallel(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float8) -> Float8
    ) {
        parallelChunks(count, minimumPerThread: parallelTranscendentalThreshold) { range in
            apply(src + range.lowerBound, dst + range.lowerBound, range.count, f)
        }
    }
}
