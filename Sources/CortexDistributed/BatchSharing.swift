extension MPICommunicator {
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
