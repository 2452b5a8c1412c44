import Foundation
import Testing

import Cortex  // not @testable: ONNX export as users call it

@Suite struct ONNXPublicAPITests {
    @Test func exportONNXAsUsersWriteIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Sequential(seed: 3) {
            Conv2D(filters: 4, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Flatten()
            Dense(units: 10, activation: .softmax)
        }
        try model.build(inputShape: [8, 8, 1])
        try model.exportONNX(to: folder.appendingPathComponent("m.onnx"))
        try model.exportONNX(
            to: folder.appendingPathComponent("n.onnx"), inputName: "image", outputName: "probabilities")
        let bytes = try Data(contentsOf: folder.appendingPathComponent("n.onnx"))
        // A protobuf ModelProto starts with ir_version (field 1, varint) = 8.
        #expect(Array(bytes.prefix(2)) == [0x08, 0x08])
        #expect(bytes.range(of: Data("probabilities".utf8)) != nil && bytes.range(of: Data("Cortex".utf8)) != nil)
        #expect(!Cortex.version.isEmpty)
    }
}
