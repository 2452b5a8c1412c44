import Foundation

@testable import Cortex

let fixtures = repositoryRoot.appendingPathComponent("Tests/CortexTests/Fixtures")

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A safetensors file from a raw header text and data bytes.
func safetensorsBytes(header: String, data: [UInt8]) -> [UInt8] {
    safetensorsBytes(headerBytes: Array(header.utf8), data: data)
}

func safetensorsBytes(headerBytes: [UInt8], data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
    var bytes: [UInt8] = []
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes += $0 }
    return bytes + headerBytes + data
}

/// The small model the persistence tests save and load: Dense(3) on 4 inputs.
func smallDense(seed: UInt64 = 1) throws -> Sequential {
    let model = Sequential(seed: seed) { Dense(units: 3) }
    try model.build(inputShape: [4])
    return model
}
