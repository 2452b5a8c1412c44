/// A small synthetic sequence task: random digit sequences, labelled 1 when their sum exceeds
/// the median sum of the set (so the classes are balanced). Used by the sequence examples,
/// tests and benchmarks.
public enum DigitSums {
    /// `count` sequences `[count, length]` of digits 0...9 (as `Float`) and their labels `[count]`.
    public static func make(count: Int, length: Int, using generator: inout RandomGenerator) -> (Tensor, Tensor) {
        var digits = [Float](repeating: 0, count: count * length)
        var sums = [Int](repeating: 0, count: count)
        for i in 0..<count {
            for t in 0..<length {
                let d = generator.nextInt(below: 10)
                digits[i * length + t] = Float(d)
                sums[i] += d
            }
        }
        let median = sums.sorted()[count / 2]
        return (Tensor(digits, shape: [count, length]), Tensor(sums.map { $0 > median ? 1 : 0 }))
    }
}
