import Foundation
import Testing

@testable import Cortex

@Suite struct FastMathTests {
    @Test func matchesLibmClosely() {
        let xs = stride(from: -90.0 as Float, through: 90, by: 0.0137).map { $0 }
        let x = Tensor(xs)
        let e = exp(x).scalars, s = sigmoid(x).scalars, t = tanh(x).scalars
        for (i, v) in xs.enumerated() {
            let reference = Foundation.exp(Double(v))
            if reference > 1e-37 && reference < 1e38 {
                #expect(Swift.abs(Double(e[i]) - reference) <= 4e-7 * reference, "exp(\(v))")
            }
            #expect(Swift.abs(Double(s[i]) - 1 / (1 + Foundation.exp(-Double(v)))) <= 2e-7, "sigmoid(\(v))")
            #expect(Swift.abs(Double(t[i]) - Foundation.tanh(Double(v))) <= 2e-7, "tanh(\(v))")
        }
        #expect(exp(Tensor([-200, 200])).scalars[0] < 1e-37)
        #expect(tanh(Tensor([-1e4, 1e4])).scalars == [-1, 1])
        #expect(sigmoid(Tensor([-1e4])).scalar < 1e-30 && sigmoid(Tensor([1e4])).scalar == 1)
    }
}

@Suite struct FastLogTests {
    @Test func logMatchesLibm() {
        var x = Float(1e-30)
        while x < 1e30 {
            let lanes = Float8(repeating: x)
            let approx = FastMath.log(lanes)[0]
            #expect(
                Swift.abs(Double(approx) - Foundation.log(Double(x))) <= 2e-7
                    * Swift.max(1, Swift.abs(Foundation.log(Double(x)))), "log(\(x))")
            x *= 1.37
        }
        #expect(FastMath.log(Float8(repeating: 1))[0] == 0)
    }

    @Test func vectorSquareRootEqualsScalar() {
        var rng = RandomGenerator(seed: 11)
        for _ in 0..<1_000 {
            var v = Float8()
            for lane in 0..<8 {
                v[lane] = Float.random(in: 0...1e6, using: &rng) * Float.random(in: 0...1, using: &rng)
            }
            let root = sqrt8(v)
            for lane in 0..<8 { #expect(root[lane] == v[lane].squareRoot()) }
        }
        let special = sqrt8(Float8(0, -0.0, .infinity, -1, .nan, 4, .leastNonzeroMagnitude, .greatestFiniteMagnitude))
        #expect(special[0] == 0 && special[2] == .infinity && special[3].isNaN && special[4].isNaN && special[5] == 2)
        #expect(special[6] == Float.leastNonzeroMagnitude.squareRoot())
    }
}
