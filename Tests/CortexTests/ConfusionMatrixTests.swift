import Testing

@testable import Cortex

@Suite struct ConfusionMatrixTests {
    @Test func countsByHand() throws {
        // actual:    0 0 0 1 1 2
        // predicted: 0 1 0 1 2 2
        let m = try ConfusionMatrix(
            predictions: Tensor([0, 1, 0, 1, 2, 2]), labels: Tensor([0, 0, 0, 1, 1, 2]), classNames: ["x", "y", "z"])
        #expect(m.counts == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(m.total == 6 && m.classCount == 3)
        #expect(m.accuracy == 4.0 / 6)
        expectClose(m.recall, [2.0 / 3, 0.5, 1])
        expectClose(m.precision, [1, 0.5, 0.5])
        let table = m.description.split(separator: "\n").map(String.init)
        #expect(table.count == 5)
        #expect(table[1].hasPrefix("    x     2     1     0") && table[1].hasSuffix(" 66.7%"))
        #expect(table[4] == "accuracy  66.7% of 6")
    }

    @Test func scoresAreReducedByArgmaxAndNamesDefaultToIndices() throws {
        let scores = Tensor([0.1, 0.9, 0.8, 0.2, 0.3, 0.7], shape: [3, 2])
        let m = try ConfusionMatrix(predictions: scores, labels: Tensor([1, 1, 1]))
        #expect(m.classNames == ["0", "1"])
        #expect(m.counts == [[0, 0], [1, 2]])
        #expect(m.precision[0] == 0 && m.recall[0].isNaN)
        // A stray huge label is refused, not allocated.
        #expect {
            try ConfusionMatrix(predictions: Tensor([0, 1]), labels: Tensor([0, 1e20]))
        } throws: {
            ($0 as? CortexError)?.description.contains("not a class index below 4096 (pass classNames") ?? false
        }
    }

    @Test func refusesMismatchedOrInvalidInput() {
        for (predictions, labels, message) in [
            (Tensor([0, 1]), Tensor([0]), "predictions has 2 rows but labels has 1"),
            (Tensor([0, 3]), Tensor([0, 1]), "prediction 3.0 at row 1 is not a class index below 2"),
            (Tensor([0, 1]), Tensor([0, 0.5]), "label 0.5 at row 1"),
            (Tensor([0, 1]), Tensor([0, 1], shape: [1, 2]), "expects labels [n]"),
        ] {
            #expect {
                try ConfusionMatrix(predictions: predictions, labels: labels, classNames: ["a", "b"])
            } throws: {
                ($0 as? CortexError)?.description.contains(message) ?? false
            }
        }
    }
}
