// Prints which BLAS kernels Cortex runs on and the results of a fixed workload, for the kernel
// selection test (BLASSelectionTests), which runs it as a child process.
//
// With `--forget-coretype`, the OPENBLAS_CORETYPE that OpenBLAS read when it loaded is removed
// from the environment before Cortex starts: OpenBLAS then runs the forced (fallback) core while
// Cortex sees no choice of the user's, as on a CPU that OpenBLAS does not know.
import Cortex
import Foundation

if CommandLine.arguments.contains("--forget-coretype") { unsetenv("OPENBLAS_CORETYPE") }
Cortex.threadCount = 1
let info = Cortex.blasInfo
print("core: \(info.core)")
print("selection: \(info.selection)")

// A product large enough to run OpenBLAS's GEMM kernel, and one training step of a small CNN.
var rng = RandomGenerator(seed: 11)
let a = Tensor.randomNormal([96, 200], using: &rng), b = Tensor.randomNormal([200, 80], using: &rng)
let product = matmul(a, b).scalars
let model = Sequential(seed: 5) {
    Conv2D(filters: 8, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 10)
}
model.compile(optimizer: Adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy(fromLogits: true))
let images = Tensor.randomUniform([16, 12, 12, 1], in: 0...1, using: &rng)
let labels = Tensor((0..<16).map { Float($0 % 10) })
let history = try model.fit(images, labels, epochs: 2, batchSize: 8, shuffle: false, verbose: .silent)
let values = product + history.metrics["loss"]! + model.parameters.flatMap(\.value.scalars)
print("values: " + values.map { String($0) }.joined(separator: " "))
