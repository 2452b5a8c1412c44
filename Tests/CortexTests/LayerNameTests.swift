import Foundation
import Testing

@testable import Cortex

@Suite struct LayerNameTests {
    /// Issue 19, item 7: two layers given one name are refused (as Keras refuses them) before
    /// they can be saved into a file that cannot be loaded; the error names both layers.
    @Test func duplicateNamesAreRefusedAtBuildAndSave() throws {
        let model = Sequential {
            Dense(units: 4, name: "fc")
            Dense(units: 4, name: "fc")
        }
        let message = "sequential has two layers named \"fc\": layer 1 (Dense) and layer 2 (Dense)"
        #expect { try model.build(inputShape: [3]) } throws: {
            ($0 as? CortexError)?.description.contains(message) ?? false
        }
        _ = model(Tensor(zeros: [1, 3]))  // built by a direct call, as Keras layers are
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect { try model.save(to: folder.appendingPathComponent("w.safetensors")) } throws: {
            ($0 as? CortexError)?.description.contains(message) ?? false
        }
        #expect { try model.saveCheckpoint(to: folder.appendingPathComponent("c.ckpt"), epoch: 0) } throws: {
            ($0 as? CortexError)?.description.contains(message) ?? false
        }
        model.compile(optimizer: SGD(), loss: .meanSquaredError)
        #expect { try model.fit(Tensor(zeros: [2, 3]), Tensor(zeros: [2, 4]), verbose: .silent) } throws: {
            ($0 as? CortexError)?.description.contains(message) ?? false
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// Names given explicitly are skipped by automatic naming, so an explicit "dense" and an
    /// unnamed Dense do not collide.
    @Test func automaticNamesAvoidExplicitOnes() throws {
        let model = Sequential {
            Dense(units: 4)
            Dense(units: 4, name: "dense")
            Dense(units: 2)
        }
        #expect(model.layers.map(\.name) == ["dense_1", "dense", "dense_2"])
        try model.build(inputShape: [3])
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try model.save(to: folder.appendingPathComponent("w.safetensors"))
        try model.loadWeights(from: folder.appendingPathComponent("w.safetensors"))
    }

    /// Nested models and custom modules: duplicates anywhere in the tree are found; a layer
    /// used twice is one layer, not a duplicate.
    @Test func nestedAndSharedLayers() throws {
        final class Twice: Module {
            let shared = Dense(units: 3, activation: .relu, name: "shared")
            lazy var again: Dense = shared
            override func callAsFunction(_ x: Tensor) -> Tensor { again(shared(x)) }
        }
        let twice = Twice()
        try twice.build(inputShape: [3])
        #expect(twice.namedParameters.map(\.0) == ["shared.kernel", "shared.bias"])

        final class Pair: Module {
            let first = Sequential { Dense(units: 2, name: "head") }
            let second = Sequential { Dense(units: 2, name: "head") }
            override func callAsFunction(_ x: Tensor) -> Tensor { second(first(x)) }
        }
        #expect { try Pair().build(inputShape: [2]) } throws: {
            ($0 as? CortexError)?.description.contains("two layers named \"head\"") ?? false
        }
    }
}
