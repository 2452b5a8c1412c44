/// Counts of predicted against actual classes, with the accuracy overall and per class.
///
/// ```swift
/// let matrix = try ConfusionMatrix(predictions: model.predict(x), labels: y, classNames: languages)
/// matrix.accuracy            // fraction correct
/// matrix.recall[2]           // fraction of class 2's examples predicted as class 2
/// print(matrix)              // a table: one row per actual class, one column per predicted class
/// ```
public struct ConfusionMatrix: Sendable, Equatable, CustomStringConvertible {
    /// `counts[actual][predicted]`: how many examples of class `actual` were predicted as `predicted`.
    public let counts: [[Int]]
    /// The class names, in index order, used as row and column headings.
    public let classNames: [String]
    /// The most classes inferred from the data when no `classNames` are given (a stray large
    /// label would otherwise allocate a huge table).
    public static let maximumInferredClasses = 4096

    /// Tallies `predictions` against `labels`.
    ///
    /// - Parameters:
    ///   - predictions: `[n]` predicted class indices, or `[n, classes]` scores or probabilities
    ///     (the highest of each row is the prediction, the first on ties).
    ///   - labels: `[n]` actual class indices stored as `Float`.
    ///   - classNames: The names of the classes; their count is the number of classes. `nil`
    ///     names them `0`, `1`, ... up to the largest index seen (or the width of `predictions`),
    ///     at most ``maximumInferredClasses`` of them.
    /// - Throws: ``CortexError`` when the row counts differ, or a value is not a class index
    ///   (negative, fractional, or beyond `classNames`).
    public init(predictions: Tensor, labels: Tensor, classNames: [String]? = nil) throws {
        guard labels.rank == 1 else {
            throw CortexError(.shapeMismatch, "ConfusionMatrix expects labels [n] but got \(labels.shape)")
        }
        let predicted: [Float]
        switch predictions.rank {
        case 1: predicted = predictions.scalars
        case 2: predicted = predictions.argmax(alongAxis: 1).scalars
        default:
            throw CortexError(
                .shapeMismatch, "ConfusionMatrix expects predictions [n] or [n, classes] but got \(predictions.shape)")
        }
        let actual = labels.scalars
        guard predicted.count == actual.count else {
            throw CortexError(
                .shapeMismatch,
                "ConfusionMatrix: predictions has \(predicted.count) rows but labels has \(actual.count)")
        }
        for (row, (p, a)) in zip(predicted, actual).enumerated() {
            for (value, what) in [(a, "label"), (p, "prediction")] {
                let limit = classNames?.count ?? Self.maximumInferredClasses
                guard value >= 0, value < Float(limit), value == value.rounded() else {
                    throw CortexError(
                        .invalidData,
                        "ConfusionMatrix: \(what) \(value) at row \(row) is not a class index below \(limit)"
                            + (classNames == nil ? " (pass classNames for more classes)" : ""))
                }
            }
        }
        let seen = Int((predicted + actual).max() ?? -1) + 1
        let names =
            classNames ?? (0..<Swift.max(seen, predictions.rank == 2 ? predictions.shape[1] : 0)).map(String.init)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: names.count), count: names.count)
        for (p, a) in zip(predicted, actual) { counts[Int(a)][Int(p)] += 1 }
        self.counts = counts
        self.classNames = names
    }

    /// The number of classes.
    public var classCount: Int { classNames.count }

    /// The number of examples tallied.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The fraction of examples predicted correctly (0 when there are none).
    public var accuracy: Float {
        let correct = (0..<classCount).reduce(0) { $0 + counts[$1][$1] }
        return total == 0 ? 0 : Float(correct) / Float(total)
    }

    /// Per class, the fraction of its examples predicted as it (the class's accuracy; `nan` for a
    /// class without examples).
    public var recall: [Float] {
        counts.enumerated().map { c, row in
            let n = row.reduce(0, +)
            return n == 0 ? .nan : Float(row[c]) / Float(n)
        }
    }

    /// Per class, the fraction of the examples predicted as it that belong to it (`nan` when
    /// nothing was predicted as it).
    public var precision: [Float] {
        (0..<classCount).map { c in
            let n = counts.reduce(0) { $0 + $1[c] }
            return n == 0 ? .nan : Float(counts[c][c]) / Float(n)
        }
    }

    /// A table: one row per actual class with its counts per predicted class and its recall,
    /// then the overall accuracy.
    public var description: String {
        let width = Swift.max(
            5, classNames.map(\.count).max() ?? 0, String(counts.flatMap { $0 }.max() ?? 0).count)
        func cell(_ text: String) -> String { String(repeating: " ", count: Swift.max(0, width - text.count)) + text }
        let recall = self.recall
        var lines = [
            cell("") + " " + classNames.map(cell).joined(separator: " ")
                + "   recall  (rows: actual, columns: predicted)"
        ]
        for (c, row) in counts.enumerated() {
            let rate = recall[c].isNaN ? "    -" : formatPercent(recall[c])
            lines.append(cell(classNames[c]) + " " + row.map { cell(String($0)) }.joined(separator: " ") + "   " + rate)
        }
        lines.append("accuracy \(formatPercent(accuracy)) of \(total)")
        return lines.joined(separator: "\n")
    }

    private func formatPercent(_ value: Float) -> String {
        let tenths = Int((value * 1000).rounded())
        let text = "\(tenths / 10).\(tenths % 10)%"
        return String(repeating: " ", count: Swift.max(0, 6 - text.count)) + text
    }
}
