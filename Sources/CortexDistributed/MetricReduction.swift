import Cortex

extension MPICommunicator {
    /// Sums each named total over all ranks: loss sums, correct-prediction counts, row counts.
    ///
    /// Reduce sums and counts, not averages: the average over the global batch is the summed
    /// total divided by the summed count, which is exact however the rows were split (an
    /// average of per-rank averages is not, when ranks hold different numbers of rows).
    ///
    /// Every rank must pass the same names; if they differ, every rank throws a ``CortexError``.
    /// Totals are summed in `Double`, so counts up to 2^53 stay exact. Collective.
    public func sumAcrossRanks(_ totals: [String: Double]) throws -> [String: Double] {
        let names = totals.keys.sorted()
        var hasher = ParameterHasher()
        for name in names {
            for byte in name.utf8 { hasher.combine(UInt32(byte)) }
            hasher.combine(0xFFFF_FFFF)
        }
        let layouts = try allgather(hasher.finalize())
        if Set(layouts).count > 1 {
            throw CortexError(
                .distributed,
                "sumAcrossRanks: ranks report different names (here: \(names.joined(separator: ", ")); hashes by rank: "
                    + layouts.map(hexadecimal).joined(separator: ", ") + ")")
        }
        var values = names.map { totals[$0]! }
        try allreduceSum(&values)
        return Dictionary(uniqueKeysWithValues: zip(names, values))
    }

    /// This rank's contiguous share of `rows`: the rows split into `size` parts whose lengths
    /// differ by at most one, the first `rows.count % size` ranks taking one more. Together the
    /// shares cover `rows` exactly once; a rank's share is empty when there are fewer rows than
    /// ranks. Pass `share.count / rows.count` as the gradient weight
    /// (``GradientReducer/averageGradients(weight:error:)``).
    public func share(of rows: Range<Int>) -> Range<Int> {
        Self.share(of: rows, rank: rank, size: size)
    }

    /// Rank `rank`'s share of `rows` in a job of `size` ranks; see ``share(of:)``.
    public static func share(of rows: Range<Int>, rank: Int, size: Int) -> Range<Int> {
        guard size > 0 && (0..<size).contains(rank) else {
            fatalError("share(of:): rank \(rank) is not in 0..<\(size)")
        }
        let (base, extra) = rows.count.quotientAndRemainder(dividingBy: size)
        let start = rows.lowerBound + rank * base + min(rank, extra)
        return start..<(start + base + (rank < extra ? 1 : 0))
    }
}
