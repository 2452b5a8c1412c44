// Helper for the kill test: saves a large model over and over to one path, each version with
// every weight equal to its version number, until it is killed.
import Cortex
import Foundation

let path = CommandLine.arguments[1]
let model = Sequential(seed: 1) { Dense(units: 1024) }
try model.build(inputShape: [2048])  // about 8 MB per file
print("ready")
fflush(nil)
var version: Float = 1
while true {
    for parameter in model.parameters { parameter.value = Tensor(repeating: version, shape: parameter.shape) }
    try model.save(to: URL(fileURLWithPath: path))
    version += 1
}
