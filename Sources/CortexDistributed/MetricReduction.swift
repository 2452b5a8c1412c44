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
}
