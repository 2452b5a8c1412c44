import Foundation
import Testing

@testable import Cortex

@Suite struct CSVTests {
    @Test func loadsBundledTables() throws {
        let iris = try table("iris")
        #expect(iris.features.shape == [150, 4])
        #expect(iris.featureNames.first == "sepal_length_(cm)")
        #expect(Array(iris.features.scalars[0..<4]) == [5.1, 3.5, 1.4, 0.2])
        #expect(Set(iris.target.scalars) == [0, 1, 2])
        #expect(try table("diabetes").features.shape == [442, 10])
    }

    @Test func refusesMalformedFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        for (text, message) in [
            ("a,b\n1,2\n", "no column named \"target\""),
            ("a,target\n1,2\n3\n", "line 3: 1 fields, expected 2"),
            ("a,target\n1,x\n", "column target: \"x\" is not a number"),
            ("a,target\n", "no data rows"),
        ] {
            try text.write(to: url, atomically: true, encoding: .utf8)
            #expect { try CSV.load(url) } throws: { ($0 as? CortexError)?.description.contains(message) ?? false }
        }
    }

    @Test func scalerAndSplit() throws {
        var scaler = StandardScaler()
        let x = Tensor([1, 10, 3, 10, 5, 10], shape: [3, 2])
        let z = try scaler.fitTransform(x)
        expectClose(z.scalars, [-1.2247449, 0, 0, 0, 1.2247449, 0])
        #expect(throws: CortexError.self) { try scaler.transform(Tensor(zeros: [2, 3])) }
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let rows = Tensor((0..<10).map(Float.init), shape: [10, 1])
        let first = try trainTestSplit(rows, rows.reshaped([10]), testFraction: 0.3, using: &a)
        let second = try trainTestSplit(rows, rows.reshaped([10]), testFraction: 0.3, using: &b)
        #expect(first.testX.shape == [3, 1] && first.trainY.shape == [7])
        #expect(first.testY.scalars == second.testY.scalars)
        #expect(Set(first.trainY.scalars + first.testY.scalars).count == 10)
    }
}
