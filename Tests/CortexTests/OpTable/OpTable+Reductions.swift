@testable import Cortex

/// `Tensor/Reductions.swift`: sums, means, maxima and minima along axes (kept or removed) and
/// over everything. Maxima and minima get distinct inputs, so no two candidates tie.
extension OpTable {
    static let reductions: [OpInfo] = [
        OpInfo("sum(alongAxes:)", alongAxes(keeping: true) { $0.sum(alongAxes: $1) }),
        OpInfo("sum(squeezingAxes:)", alongAxes(keeping: false) { $0.sum(squeezingAxes: $1) }),
        OpInfo("sum()", overAll { $0.sum() }),
        OpInfo("mean(alongAxes:)", alongAxes(keeping: true) { $0.mean(alongAxes: $1) }),
        OpInfo("mean(squeezingAxes:)", alongAxes(keeping: false) { $0.mean(squeezingAxes: $1) }),
        OpInfo("mean()", overAll { $0.mean() }),
        OpInfo("max(alongAxes:)", alongAxes(keeping: true, domain: distinct) { $0.max(alongAxes: $1) }),
        OpInfo("max(squeezingAxes:)", alongAxes(keeping: false, domain: distinct) { $0.max(squeezingAxes: $1) }),
        OpInfo("max()", overAll(domain: distinct) { $0.max() }),
        OpInfo("min(alongAxes:)", alongAxes(keeping: true, domain: distinct) { $0.min(alongAxes: $1) }),
    ]

    /// Values 0.05 apart: far more than a finite-difference step (at most 2 x 2⁻⁷).
    static let distinct = Domain.distinct(spacing: 0.05)

    /// Reductions over one or several axes of ranks 1 to 4, negative axes included.
    static func alongAxes(
        keeping: Bool, domain: Domain = .uniform(-2...2), _ f: @escaping @Sendable (Tensor, [Int]) -> Tensor
    ) -> [OpSample] {
        let cases: [([Int], [Int])] = [
            ([5], [0]), ([3, 4], [0]), ([3, 4], [1]), ([3, 4], [-1]), ([3, 4], [0, 1]), ([2, 3, 4], [1]),
            ([2, 3, 4], [0, 2]), ([2, 3, 4], [-2, -1]), ([2, 3, 2, 3], [1, 3]), ([2, 3, 2, 3], [0, 1, 2, 3]),
            ([3, 1, 4], [1]),
        ]
        return cases.enumerated().map { i, c in
            let (shape, axes) = c
            return OpSample(
                "\(shape) axes \(axes)", [domain.tensor(shape, seed: UInt64(i + 1))],
                shape: ShapeRule.reduced(shape, axes: axes, keeping: keeping)
            ) { f($0[0], axes) }
        }
    }

    /// Reductions of everything to a scalar, over ranks 0 to 4.
    static func overAll(domain: Domain = .uniform(-2...2), _ f: @escaping @Sendable (Tensor) -> Tensor) -> [OpSample] {
        [[], [1], [5], [3, 4], [2, 3, 4], [2, 2, 3, 2]].enumerated().map { i, shape in
            OpSample("\(shape)", [domain.tensor(shape, seed: UInt64(i + 1))], shape: []) { f($0[0]) }
        }
    }
}
