/// A fast, seedable pseudo-random generator (xoshiro256**), so that runs are reproducible.
///
/// Cortex ships its own generator rather than relying on the standard library's, whose
/// algorithm may change between Swift versions.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's full internal state; restoring it resumes the same sequence.
    ///
    /// Any state but all zeros is valid. xoshiro256** never leaves the all-zero state (it would
    /// return only zeros, and ``nextInt(below:)`` would never return), so assigning it is
    /// repaired: the generator takes the state of `RandomGenerator(seed: 0)` instead. Readers of
    /// saved states (``Module/loadCheckpoint(from:)``) refuse an all-zero state as corrupt.
    public var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set {
            if Self.isDegenerate(newValue) {
                self = RandomGenerator(seed: 0)
            } else {
                (s0, s1, s2, s3) = newValue
            }
        }
    }

    /// Whether `state` is the all-zero state, the one state the generator cannot run from.
    static func isDegenerate(_ state: (UInt64, UInt64, UInt64, UInt64)) -> Bool {
        state.0 | state.1 | state.2 | state.3 == 0
    }
    private var s0, s1, s2, s3: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        // SplitMix64 expands the seed so that nearby seeds give unrelated states.
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // SplitMix64's outputs for distinct inputs are distinct, so at most one word is zero.
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// Creates a generator seeded from the system's entropy source.
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    @inlinable
    static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = RandomGenerator.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomGenerator.rotate(s3, 45)
        return result
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box-Muller).
    public mutating func nextNormal() -> Float {
        var u1 = nextUnitFloat()
        while u1 <= .leastNormalMagnitude { u1 = nextUnitFloat() }
        let u2 = nextUnitFloat()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * .pi * u2)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection, unbiased).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Shuffles `array` in place (Fisher-Yates), independent of the standard library's algorithm.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextInt(below: i + 1))
        }
    }

    public static func == (lhs: RandomGenerator, rhs: RandomGenerator) -> Bool {
        lhs.s0 == rhs.s0 && lhs.s1 == rhs.s1 && lhs.s2 == rhs.s2 && lhs.s3 == rhs.s3
    }
}
