// Exports every supported layer in small models, plus the seed CNN and RNN trained briefly, to
// ONNX, with test inputs and Cortex's predictions on them, for `Tests/Interop/check_onnx.py`
// to compare against ONNX Runtime (`make interop` runs both).
//
//     swift run -c release ONNXExportCheck <output folder>
//
// Writes `<case>.onnx`, `<case>.input.npy` and `<case>.expected.npy` per case, and
// `manifest.json` listing the cases.
import Cortex
import Foundation

/// One exported model and how to check it.
struct Case: Codable {
    let name: String
    let description: String
    /// "values": every output within the relative tolerance; "top1" also requires the same
    /// arg-max per row (classifiers on real data).
    let check: String
    /// For classifiers: Cortex's accuracy on the labelled test inputs, for the log.
    var cortexAccuracy: Float?
}

let arguments = CommandLine.arguments
let folder = URL(fileURLWithPath: arguments.count > 1 ? arguments[1] : ".build/interop", isDirectory: true)
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
var cases: [Case] = []
var rng = RandomGenerator(seed: 2024)

/// Gives the parameters that Keras initializes to constants (biases, BatchNormalization's
/// scale, shift and statistics) random values, so that the comparison exercises them.
func randomizeConstants(_ model: Module, using rng: inout RandomGenerator) {
    for (name, parameter) in model.namedParameters {
        let shape = parameter.value.shape
        if name.hasSuffix(".gamma") || name.hasSuffix(".moving_variance") {
            parameter.value = Tensor.randomUniform(shape, in: 0.5...1.5, using: &rng)
        } else if name.hasSuffix(".bias") || name.hasSuffix(".beta") || name.hasSuffix(".moving_mean") {
            parameter.value = Tensor.randomUniform(shape, in: -0.5...0.5, using: &rng)
        }
    }
}

/// Writes a case's model, input and Cortex's output.
@MainActor func record(
    _ model: Module, _ name: String, _ description: String, input: Tensor, check: String = "values",
    accuracy: Float? = nil
)
    throws
{
    let expected = try model.predict(input, batchSize: 256)
    try model.exportONNX(to: folder.appendingPathComponent("\(name).onnx"))
    try NumPy.save(input, to: folder.appendingPathComponent("\(name).input.npy"))
    try NumPy.save(expected, to: folder.appendingPathComponent("\(name).expected.npy"))
    cases.append(Case(name: name, description: description, check: check, cortexAccuracy: accuracy))
}

/// A small model with random weights on random input of per-example shape `shape`.
@MainActor func layerCase(
    _ name: String, _ description: String, shape: [Int], batch: Int = 5, indicesBelow: Int? = nil,
    @LayerBuilder _ layers: () -> [Module]
) throws {
    let model = Sequential(layers(), name: name, seed: 11)
    try model.build(inputShape: shape)
    randomizeConstants(model, using: &rng)
    let input =
        indicesBelow.map { n in
            Tensor((0..<(batch * shape.reduce(1, *))).map { _ in Float(rng.nextInt(below: n)) }, shape: [batch] + shape)
        } ?? Tensor.randomNormal([batch] + shape, using: &rng)
    try record(model, name, description, input: input)
}

do {
    // Dense and the activations.
    try layerCase("dense", "Dense(5) on [7]", shape: [7]) { Dense(units: 5) }
    for f in ActivationFunction.allCases where f != .linear {
        try layerCase("dense_\(f)", "Dense(4, \(f)) on [6]", shape: [6]) { Dense(units: 4, activation: f) }
    }
    try layerCase("dense_no_bias", "Dense(4, useBias: false) on [6]", shape: [6]) { Dense(units: 4, useBias: false) }
    try layerCase("dense_on_sequence", "Dense(6, relu) on [5, 3] (MatMul + Add)", shape: [5, 3]) {
        Dense(units: 6, activation: .relu)
    }
    for f in ActivationFunction.allCases {
        try layerCase("activation_\(f)", "Activation(.\(f)) on [3, 4]", shape: [3, 4]) { Activation(f) }
    }
    try layerCase(
        "activation_softmax_image", "Conv2D(5, 3) then Activation(.softmax) over channels of [7, 7, 3]",
        shape: [7, 7, 3]
    ) {
        Conv2D(filters: 5, kernelSize: 3)
        Activation(.softmax)
    }

    // Convolution and pooling: padding, strides, rectangular windows.
    try layerCase("conv2d", "Conv2D(4, 3, valid) on [8, 9, 3]", shape: [8, 9, 3]) {
        Conv2D(filters: 4, kernelSize: 3)
    }
    try layerCase(
        "conv2d_same_strided", "Conv2D(6, 3, strides 2, same, relu) on [9, 8, 2] (asymmetric padding)",
        shape: [9, 8, 2]
    ) {
        Conv2D(filters: 6, kernelSize: 3, strides: 2, padding: .same, activation: .relu)
    }
    try layerCase(
        "conv2d_rectangular", "Conv2D(3, (2, 3), strides (1, 2), same, sigmoid) on [7, 10, 4]", shape: [7, 10, 4]
    ) {
        Conv2D(filters: 3, kernelSize: (2, 3), strides: (1, 2), padding: .same, activation: .sigmoid)
    }
    try layerCase("conv2d_no_bias", "Conv2D(4, 1, useBias: false, tanh) on [5, 5, 3]", shape: [5, 5, 3]) {
        Conv2D(filters: 4, kernelSize: 1, activation: .tanh, useBias: false)
    }
    try layerCase("max_pooling2d", "MaxPooling2D(2) on [8, 7, 3]", shape: [8, 7, 3]) { MaxPooling2D(poolSize: 2) }
    try layerCase(
        "max_pooling2d_same_strided", "MaxPooling2D(3, strides 2, same) on [9, 8, 3]", shape: [9, 8, 3]
    ) {
        MaxPooling2D(poolSize: 3, strides: 2, padding: .same)
    }
    try layerCase("average_pooling2d", "AveragePooling2D(2) on [8, 6, 3]", shape: [8, 6, 3]) {
        AveragePooling2D(poolSize: 2)
    }
    try layerCase(
        "average_pooling2d_same", "AveragePooling2D((3, 2), strides (2, 1), same) on [7, 6, 2]", shape: [7, 6, 2]
    ) {
        AveragePooling2D(poolSize: (3, 2), strides: (2, 1), padding: .same)
    }
    try layerCase(
        "flatten_after_conv", "Conv2D(4, 3) -> MaxPooling2D(2) -> Flatten -> Dense(3): NHWC flattening order",
        shape: [8, 8, 2]
    ) {
        Conv2D(filters: 4, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Flatten()
        Dense(units: 3)
    }
    try layerCase("flatten", "Flatten on [3, 4, 2]", shape: [3, 4, 2]) { Flatten() }
    try layerCase("dropout", "Dense(8) -> Dropout(0.5) -> Dense(3)", shape: [6]) {
        Dense(units: 8, activation: .relu)
        Dropout(rate: 0.5)
        Dense(units: 3)
    }
    try layerCase("dropout_only", "Dropout(0.3) alone (an Identity graph)", shape: [4]) { Dropout(rate: 0.3) }

    // BatchNormalization on vectors, images and sequences.
    try layerCase("batch_normalization", "Dense(6) -> BatchNormalization", shape: [5]) {
        Dense(units: 6)
        BatchNormalization()
    }
    try layerCase(
        "batch_normalization_image", "Conv2D(4, 3) -> BatchNormalization -> relu -> AveragePooling2D(2)",
        shape: [8, 8, 3]
    ) {
        Conv2D(filters: 4, kernelSize: 3)
        BatchNormalization()
        Activation(.relu)
        AveragePooling2D(poolSize: 2)
    }
    try layerCase("batch_normalization_sequence", "BatchNormalization on [5, 4]", shape: [5, 4]) {
        BatchNormalization(epsilon: 1e-2)
    }

    // Embedding and the recurrent layers.
    try layerCase("embedding", "Embedding(12, 5) on 7 indices", shape: [7], indicesBelow: 12) {
        Embedding(inputDim: 12, outputDim: 5)
    }
    for f: ActivationFunction in [.tanh, .relu, .sigmoid, .linear] {
        try layerCase("simple_rnn_\(f)", "SimpleRNN(6, \(f)) on [5, 3]", shape: [5, 3]) {
            SimpleRNN(units: 6, activation: f)
        }
    }
    try layerCase("simple_rnn_sequences", "SimpleRNN(6, returnSequences) on [5, 3]", shape: [5, 3]) {
        SimpleRNN(units: 6, returnSequences: true)
    }
    try layerCase("lstm", "LSTM(7) on [6, 4]", shape: [6, 4]) { LSTM(units: 7) }
    try layerCase("lstm_sequences", "LSTM(7, returnSequences) on [6, 4]", shape: [6, 4]) {
        LSTM(units: 7, returnSequences: true)
    }
    try layerCase("gru", "GRU(7) on [6, 4]", shape: [6, 4]) { GRU(units: 7) }
    try layerCase("gru_sequences", "GRU(7, returnSequences) on [6, 4]", shape: [6, 4]) {
        GRU(units: 7, returnSequences: true)
    }
    try layerCase(
        "stacked_recurrent", "LSTM(8, seq) -> GRU(6, seq) -> SimpleRNN(5) -> Dense(3, softmax)", shape: [9, 4]
    ) {
        LSTM(units: 8, returnSequences: true)
        GRU(units: 6, returnSequences: true)
        SimpleRNN(units: 5)
        Dense(units: 3, activation: .softmax)
    }
    try layerCase(
        "nested_sequential", "Sequential { Sequential { Dense(6, relu), Dropout }, Dense(2) }", shape: [4]
    ) {
        Sequential {
            Dense(units: 6, activation: .relu)
            Dropout(rate: 0.2)
        }
        Dense(units: 2)
    }

    // The seed CNN (Examples/MNISTDemo), trained for one epoch, on all 1,000 test digits.
    let (train, test) = try MNIST.load(directory: "Data/mnist-5k")
    let cnn = Sequential(name: "seed_cnn", seed: 42) {
        Conv2D(filters: 32, kernelSize: 3, activation: .relu)
        MaxPooling2D(poolSize: 2)
        Conv2D(filters: 64, kernelSize: (3, 3), strides: (1, 1), padding: .valid, activation: .relu)
        MaxPooling2D(poolSize: (2, 2))
        Flatten()
        Dense(units: 64, activation: .relu)
        Dense(units: 10, activation: .softmax)
    }
    cnn.compile(optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
    try cnn.fit(train.images, train.labels, epochs: 1, batchSize: 32, verbose: .silent)
    let cnnAccuracy = try cnn.evaluate(test.images, test.labels)["accuracy"]!
    try record(
        cnn, "seed_cnn", "the seed CNN (Examples/MNISTDemo) after 1 epoch, on the 1,000 test digits",
        input: test.images, check: "top1", accuracy: cnnAccuracy)

    // The seed RNN (Examples/SequenceDemo), trained for 3 epochs, on its 600 test sequences.
    var dataRNG = RandomGenerator(seed: 1)
    let (x, y) = DigitSums.make(count: 3000, length: 10, using: &dataRNG)
    let (trainX, trainY, testX, testY) = try trainTestSplit(x, y, testFraction: 0.2, using: &dataRNG)
    let rnn = Sequential(name: "seed_rnn", seed: 7) {
        Embedding(inputDim: 10, outputDim: 16)
        SimpleRNN(units: 32, returnSequences: true)
        SimpleRNN(units: 32)
        Dense(units: 2, activation: .softmax)
    }
    rnn.compile(optimizer: Adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy(), metrics: [.accuracy])
    try rnn.fit(trainX, trainY, epochs: 3, batchSize: 32, verbose: .silent)
    let rnnAccuracy = try rnn.evaluate(testX, testY)["accuracy"]!
    try record(
        rnn, "seed_rnn", "the seed RNN (Examples/SequenceDemo) after 3 epochs, on 600 test sequences",
        input: testX, check: "top1", accuracy: rnnAccuracy)

    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(cases).write(to: folder.appendingPathComponent("manifest.json"), options: .atomic)
    print("Exported \(cases.count) models to \(folder.path)")
} catch {
    print("error: \(error)")
    exit(1)
}
