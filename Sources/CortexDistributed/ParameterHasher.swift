import Cortex

/// FNV-1a over 32-bit words (each step is a bijection of the state, so one changed word always
/// changes the result), finished with SplitMix64's mixer. Platform- and run-independent.
struct ParameterHasher {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func combine(_ word: UInt32) {
        state = (state ^ UInt64(word)) &* Self.prime
    }

    mutating func combine(_ name: String, _ value: Tensor) {
        for byte in name.utf8 { combine(UInt32(byte)) }
        combine(UInt32(value.shape.count))
        for dimension in value.shape { combine(UInt32(truncatingIfNeeded: dimension)) }
        var h = state
        value.withUnsafeBufferPointer { elements in
            for element in elements { h = (h ^ UInt64(element.bitPattern)) &* Self.prime }
        }
        state = h
    }

    func finalize() -> UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// `0x` and 16 hexadecimal digits.
func hexadecimal(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}
