import Foundation

/// Standard normal samples by Marsaglia and Tsang's ziggurat ("The Ziggurat Method for Generating
/// Random Variables", 2000) with 256 layers, in Double: about one 64-bit word per sample.
///
/// The area under `f(x) = exp(-x²/2)`, x >= 0, is covered by 256 layers of equal area v: 255
/// rectangles `[0, xᵢ] × [f(xᵢ), f(xᵢ₊₁)]` stacked on a base strip made of the rectangle
/// `[0, r] × [0, f(r)]` and the tail beyond r. A sample picks a layer and a point uniformly in it;
/// 98.8% of the time the point lies under the next layer's edge and is accepted at once. Otherwise
/// the wedge is tested against f itself, and the base layer's overflow samples the tail exactly
/// (Marsaglia 1964). The method is exact: there is no truncation of the tails.
///
/// Each word's bits are split so that the layer (low 8 bits), the sign (bit 8) and the uniform
/// position (top 53 bits) are independent, avoiding the correlation Doornik (2005) found in
/// implementations that reuse bits.
struct Ziggurat: @unchecked Sendable {  // immutable tables, written once in init and never freed
    static let layerCount = 256
    /// The shared tables, computed once.
    static let shared = Ziggurat()

    /// The right edge of the base rectangle, where the tail starts.
    let r: Double
    /// Layer edges x₀ > x₁ = r > … > x₂₅₅ > x₂₅₆ = 0 (257 values), with x₀ = v / f(r) the base
    /// layer's virtual width (its area v stretched to height f(r)).
    let edges: UnsafePointer<Double>
    /// `edges[i + 1] / edges[i]` (256 values): a uniform u below it lands inside the next layer.
    let ratios: UnsafePointer<Double>
    /// `f(edges[i])` (257 values).
    let heights: UnsafePointer<Double>

    private init() {
        let n = Ziggurat.layerCount
        func f(_ x: Double) -> Double { Foundation.exp(-0.5 * x * x) }
        func area(_ r: Double) -> Double {
            r * f(r) + (Double.pi / 2).squareRoot() * Foundation.erfc(r / 2.0.squareRoot())
        }
        /// Builds the edges for a trial r; the residual says how far the top layer misses height 1.
        func build(_ r: Double) -> (edges: [Double], residual: Double) {
            let v = area(r)
            var x = [Double](repeating: 0, count: n + 1)
            x[0] = v / f(r)
            x[1] = r
            for i in 1..<(n - 1) {
                let y = v / x[i] + f(x[i])
                if y >= 1 { return (x, 1) }  // reached the top early: layers too thick, r too small
                x[i + 1] = (-2 * Foundation.log(y)).squareRoot()
            }
            return (x, v / x[n - 1] + f(x[n - 1]) - 1)
        }
        // The residual decreases with r; bisect for the r at which the top layer closes at f = 1.
        var low = 3.0, high = 4.5
        for _ in 0..<200 {
            let middle = 0.5 * (low + high)
            if middle == low || middle == high { break }
            if build(middle).residual > 0 { low = middle } else { high = middle }
        }
        r = high
        var x = build(high).edges
        x[n] = 0
        // Raw pointers, so the sampling loop reads no array (whose closures would keep the
        // generator's state in memory instead of registers).
        let edges = UnsafeMutablePointer<Double>.allocate(capacity: n + 1)
        let ratios = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let heights = UnsafeMutablePointer<Double>.allocate(capacity: n + 1)
        for i in 0...n {
            edges[i] = x[i]
            heights[i] = f(x[i])
            if i < n { ratios[i] = x[i + 1] / x[i] }
        }
        self.edges = UnsafePointer(edges)
        self.ratios = UnsafePointer(ratios)
        self.heights = UnsafePointer(heights)
    }

    /// Fills `count` values at `output` with `scale · N(0, 1)` samples drawn with words from `generator`.
    @inline(__always)
    func fill<G: RandomNumberGenerator>(
        _ output: UnsafeMutablePointer<Float>, count: Int, scale: Double, using generator: inout G
    ) {
        var local = generator
        for i in 0..<count { output[i] = Float(scale * sample(using: &local)) }
        generator = local
    }

    /// One standard normal sample.
    @inline(__always)
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        while true {
            let word = generator.next()
            let layer = Int(truncatingIfNeeded: word & 0xFF)
            let negative = word & 0x100 != 0
            // word >> 11 < 2⁵³ fits an Int64, whose conversion is one instruction (UInt64's is not).
            let u = Double(Int64(bitPattern: word >> 11)) * 0x1p-53
            let x = u * edges[layer]
            if u < ratios[layer] { return negative ? -x : x }
            if layer == 0 {
                // The tail, by rejection; the words are drawn here so that no call takes the
                // generator's address (which would keep its state in memory in the fast path).
                while true {
                    if let tail = tailCandidate(generator.next(), generator.next()) { return negative ? -tail : tail }
                }
            }
            // Wedge: accept if a uniform height in the layer falls under f(x).
            let y = heights[layer] + Ziggurat.unitOpenBelow(generator.next()) * (heights[layer + 1] - heights[layer])
            if y < Foundation.exp(-0.5 * x * x) { return negative ? -x : x }
        }
    }

    /// One try at a sample of the normal tail beyond r from two words: x = r + a with
    /// a ~ Exp(r), accepted with probability exp(-a²/2) (Marsaglia 1964); nil when rejected.
    @inline(never)
    func tailCandidate(_ first: UInt64, _ second: UInt64) -> Double? {
        let a = -Foundation.log(Ziggurat.unitOpenBelow(first)) / r
        let b = -Foundation.log(Ziggurat.unitOpenBelow(second))
        return 2 * b > a * a ? r + a : nil
    }

    /// A uniform Double in (0, 1] from a word's top 53 bits (never 0, so its log is finite).
    @inline(__always)
    static func unitOpenBelow(_ word: UInt64) -> Double { (Double(Int64(bitPattern: word >> 11)) + 1) * 0x1p-53 }
}

extension RandomGenerator {
    /// Fills `buffer` with independent samples of N(0, `standardDeviation`²) (ziggurat, in Double,
    /// rounded once to Float), at about one `next()` per sample.
    ///
    /// A separate stream from ``nextNormal()``: calling it consumes words of this generator but
    /// changes nothing about what the other methods return for a given state.
    ///
    /// - Parameters:
    ///   - buffer: The values to overwrite.
    ///   - standardDeviation: The samples' standard deviation, finite and >= 0.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, standardDeviation: Float) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var generator = self  // a local copy keeps the state in registers
        Ziggurat.shared.fill(base, count: buffer.count, scale: Double(standardDeviation), using: &generator)
        self = generator
    }
}
