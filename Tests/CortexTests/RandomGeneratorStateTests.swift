import Foundation
import Testing

@testable import Cortex

extension RandomGeneratorTests {
    /// Issue 19, item 3: the all-zero state, from which xoshiro256** returns only zeros (and
    /// `nextInt(below:)` would spin), is repaired to the state of seed 0 when assigned.
    @Test func allZeroStateIsRepaired() {
        var rng = RandomGenerator(seed: 3)
        rng.state = (0, 0, 0, 0)
        #expect(rng == RandomGenerator(seed: 0))
        #expect(rng.next() != 0)
        var values = Set<Int>()
        for _ in 0..<100 { values.insert(rng.nextInt(below: 10)) }
        #expect(values.count == 10)
        var order = Array(0..<50)
        rng.shuffle(&order)
        #expect(Set(order).count == 50 && order != Array(0..<50))
    }

    @Test func anyOtherStateIsKept() {
        var rng = RandomGenerator(seed: 3)
        rng.state = (0, 0, 0, 1)
        #expect(rng.state == (0, 0, 0, 1))
        #expect(RandomGenerator.isDegenerate((0, 0, 0, 0)) && !RandomGenerator.isDegenerate((0, 1, 0, 0)))
    }
}
