@testable import Cortex

/// `Tensor/Shaping.swift`: reshapes, transpositions, added and removed axes, slices,
/// subscripts, concatenation and row gathering.
extension OpTable {
    static let shaping: [OpInfo] = [
        OpInfo(
            "reshaped(_:)",
            [
                ([2, 3, 4], [4, 6], [4, 6]), ([2, 3, 4], [6, -1], [6, 4]), ([2, 3, 4], [-1], [24]),
                ([2, 3, 4], [2, 1, 12], [2, 1, 12]), ([], [1, 1], [1, 1]), ([1], [], []), ([6], [2, 3], [2, 3]),
            ].map { input, target, shape in
                // A weighting after the reshape, so that the gradient depends on the new layout.
                let weights = uniform(shape, seed: 9)
                return OpSample("\(input) to \(target)", [uniform(input, seed: 1)], shape: shape) {
                    $0[0].reshaped(target) * weights
                }
            }),
        OpInfo(
            "transposed()",
            [[4], [3, 4], [2, 3, 4], [2, 3, 2, 3]].map { shape in
                OpSample("\(shape)", [uniform(shape, seed: 1)], shape: shape.reversed()) { $0[0].transposed() }
            }),
        OpInfo(
            "transposed(permutation:)",
            ([[1, 0]] + [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
                + [[0, 3, 1, 2], [3, 2, 1, 0], [1, 0, 3, 2], [2, 3, 0, 1]])
                .map { permutation in
                    let shape = Array([2, 3, 4, 5].prefix(permutation.count))
                    return OpSample(
                        "\(shape) by \(permutation)", [uniform(shape, seed: 1)], shape: permutation.map { shape[$0] }
                    ) { $0[0].transposed(permutation: permutation) }
                }),
        OpInfo(
            "expandingShape(at:)",
            [
                ([3, 4], 0, [1, 3, 4]), ([3, 4], 1, [3, 1, 4]), ([3, 4], 2, [3, 4, 1]), ([3, 4], -1, [3, 4, 1]),
                ([], 0, [1]),
            ]
            .map { shape, axis, result in
                OpSample("\(shape) at \(axis)", [uniform(shape, seed: 1)], shape: result) {
                    $0[0].expandingShape(at: axis)
                }
            }),
        OpInfo(
            "squeezingShape(at:)",
            [
                ([1, 3, 1, 2], [], [3, 2]), ([1, 3, 1, 2], [0], [3, 1, 2]), ([1, 3, 1, 2], [-2], [1, 3, 2]),
                ([1], [], []),
            ]
            .map { shape, axes, result in
                OpSample("\(shape) at \(axes)", [uniform(shape, seed: 1)], shape: result) {
                    $0[0].squeezingShape(at: axes)
                }
            }),
        OpInfo(
            "slice(_:alongAxis:)",
            [
                ([6], 1..<4, 0), ([3, 4, 5], 1..<3, 0), ([3, 4, 5], 0..<2, 1), ([3, 4, 5], 2..<5, 2),
                ([3, 4, 5], 1..<4, -1), ([3, 4, 5], 0..<4, 1), ([2, 3, 2, 3], 1..<2, 2),
            ].map { shape, range, axis in
                var result = shape
                result[axis < 0 ? axis + shape.count : axis] = range.count
                return OpSample("\(shape) \(range) along \(axis)", [uniform(shape, seed: 1)], shape: result) {
                    $0[0].slice(range, alongAxis: axis)
                }
            }),
        OpInfo(
            "subscript(Range<Int>)",
            [([4, 3], 1..<3), ([5], 0..<5), ([3, 2, 2], 2..<3)].map { shape, range in
                OpSample("\(shape)[\(range)]", [uniform(shape, seed: 1)], shape: [range.count] + shape.dropFirst()) {
                    $0[0][range]
                }
            }),
        OpInfo(
            "subscript(Int)",
            [([4, 3], 2), ([5], 4), ([3, 2, 2], 0)].map { shape, index in
                OpSample("\(shape)[\(index)]", [uniform(shape, seed: 1)], shape: Array(shape.dropFirst())) {
                    $0[0][index]
                }
            }),
        OpInfo(
            "concatenating(_:alongAxis:)",
            [
                ([[2, 3], [4, 3]], 0), ([[2, 3], [2, 1], [2, 2]], 1), ([[2, 3, 4], [2, 1, 4]], 1),
                ([[2, 3, 4], [2, 3, 2]], -1), ([[1, 3, 4], [2, 3, 4]], 0), ([[5]], 0), ([[3], [2]], 0),
            ].map { shapes, axis in
                var result = shapes[0]
                let a = axis < 0 ? axis + result.count : axis
                result[a] = shapes.map { $0[a] }.reduce(0, +)
                return OpSample(
                    "\(shapes) along \(axis)", shapes.enumerated().map { uniform($1, seed: UInt64($0 + 1)) },
                    shape: result
                ) { Tensor.concatenating($0, alongAxis: axis) }
            }),
        OpInfo(
            "gatheringRows(_:)",
            [([4, 3], [2, 0, 3]), ([4, 3], [1, 1, 3, 1]), ([5], [4, 0]), ([3, 2, 2], [2, 2])].map { shape, rows in
                OpSample("\(shape) rows \(rows)", [uniform(shape, seed: 1)], shape: [rows.count] + shape.dropFirst()) {
                    $0[0].gatheringRows(rows)
                }
            }),
    ]
}
