import Foundation
import Testing

@testable import Cortex

/// A custom model: its own forward pass, which export cannot know.
private final class TwoLayer: Module {
    let hidden = Dense(units: 4, activation: .relu)
    let output = Dense(units: 2)
    override func callAsFunction(_ x: Tensor) -> Tensor { output(hidden(x)) }
}

/// A custom layer without an ONNX export.
private final class Doubling: Layer {
    override class var baseName: String { "doubling" }
    override func forward(_ input: Tensor) -> Tensor { input * 2 }
}

extension ONNX.ModelProto {
    var opTypes: [String] { graph.nodes.map(\.opType) }

    func initializer(_ name: String) -> ONNX.TensorProto? { graph.initializers.first { $0.name == name } }

    func node(_ opType: String) -> ONNX.NodeProto? { graph.nodes.first { $0.opType == opType } }
}

/// The structure of exported graphs, without Python: `make interop` runs them in ONNX Runtime.
@Suite struct ONNXExportTests {
    @Test func seedCNNGraph() throws {
        let cnn = seedCNN(seed: 3)
        try cnn.build(inputShape: [28, 28, 1])
        let model = try cnn.onnxModel()
        // One transpose into NCHW before the convolutions, one back before Flatten.
        #expect(
            model.opTypes == [
                "Transpose", "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Transpose", "Flatten", "Gemm",
                "Relu",
                "Gemm", "Softmax",
            ])
        let transposes = model.graph.nodes.filter { $0.opType == "Transpose" }
        #expect(transposes.map { $0.attribute("perm") } == [.ints([0, 3, 1, 2]), .ints([0, 2, 3, 1])])
        #expect(model.graph.nodes[0].inputs == ["input"])
        #expect(model.graph.nodes.last!.outputs == ["output"])
        #expect(model.graph.nodes.last!.attribute("axis") == .int(1))
        #expect(model.node("Conv")!.attribute("pads") == .ints([0, 0, 0, 0]))
        #expect(model.node("MaxPool")!.attribute("kernel_shape") == .ints([2, 2]))
        let shapes = Dictionary(uniqueKeysWithValues: model.graph.initializers.map { ($0.name, $0.dims) })
        #expect(
            shapes == [
                "conv2d.kernel": [32, 1, 3, 3], "conv2d.bias": [32], "conv2d_1.kernel": [64, 32, 3, 3],
                "conv2d_1.bias": [64], "dense.kernel": [1600, 64], "dense.bias": [64], "dense_1.kernel": [64, 10],
                "dense_1.bias": [10],
            ])
        // Dynamic batch, Cortex's NHWC layout at the edges, metadata.
        #expect(model.graph.inputs[0].shape == [.parameter("batch"), .value(28), .value(28), .value(1)])
        #expect(model.graph.outputs[0].shape == [.parameter("batch"), .value(10)])
        #expect(model.opsetImports == [ONNX.OperatorSetIdProto(domain: "", version: 17)])
        #expect(model.irVersion == 8 && model.producerName == "Cortex" && model.producerVersion == Cortex.version)
        #expect(model.docString!.contains("channels-last"))
        // Every node reads only the input, initializers or earlier outputs.
        var known = Set(["input"] + model.graph.initializers.map(\.name))
        for node in model.graph.nodes {
            #expect(node.inputs.allSatisfy { $0.isEmpty || known.contains($0) }, "\(node.name)")
            known.formUnion(node.outputs)
        }
    }

    @Test func convolutionKernelIsTransposedToOIHW() throws {
        let model = Sequential(seed: 5) { Conv2D(filters: 4, kernelSize: (2, 3)) }
        try model.build(inputShape: [6, 7, 3])
        let kernel = (model.layers[0] as! Conv2D).kernel.value
        let w = try model.onnxModel().initializer("conv2d.kernel")!
        #expect(w.dims == [4, 3, 2, 3])
        let k = kernel.scalars, exported = w.floatValues
        for o in 0..<4 {
            for c in 0..<3 {
                for y in 0..<2 {
                    for x in 0..<3 {
                        #expect(exported[((o * 3 + c) * 2 + y) * 3 + x] == k[((y * 3 + x) * 3 + c) * 4 + o])
                    }
                }
            }
        }
    }

    @Test func samePaddingIsKerasAsymmetricPadding() throws {
        // Height 9, stride 2, kernel 3: output 5, total padding 2 -> 1 + 1. Width 8: output 4,
        // total 1 -> 0 before, 1 after (Keras puts the odd one at the end).
        let model = Sequential(seed: 1) {
            Conv2D(filters: 2, kernelSize: 3, strides: 2, padding: .same)
            MaxPooling2D(poolSize: 2, strides: 1, padding: .same)
            AveragePooling2D(poolSize: 3, padding: .same)
        }
        try model.build(inputShape: [9, 8, 2])
        let onnx = try model.onnxModel()
        #expect(onnx.node("Conv")!.attribute("pads") == .ints([1, 0, 1, 1]))
        #expect(onnx.node("Conv")!.attribute("strides") == .ints([2, 2]))
        // 5x4 input, window 2, stride 1: total 1 on each axis, all after.
        #expect(onnx.node("MaxPool")!.attribute("pads") == .ints([0, 0, 1, 1]))
        // 5x4 input, window 3, stride 3: outputs 2 and 2, totals 1 and 2.
        #expect(onnx.node("AveragePool")!.attribute("pads") == .ints([0, 1, 1, 1]))
        #expect(onnx.node("AveragePool")!.attribute("count_include_pad") == .int(0))
        // The spatial run stays channels-first: one transpose in, one out.
        #expect(onnx.opTypes == ["Transpose", "Conv", "MaxPool", "AveragePool", "Transpose"])
    }

    /// ONNX's LSTM equations (gates i, o, f, c; `Wb + Rb`) in Double on the exported W, R, B.
    private func onnxLSTM(_ x: Tensor, w: [Float], r: [Float], b: [Float], units u: Int) -> [Double] {
        let (batch, time, features) = (x.shape[0], x.shape[1], x.shape[2])
        let xs = x.scalars
        var h = [[Double]](repeating: [Double](repeating: 0, count: u), count: batch), c = h
        var out: [Double] = []
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        for n in 0..<batch {
            for t in 0..<time {
                var z = [Double](repeating: 0, count: 4 * u)
                for row in 0..<(4 * u) {
                    var s = Double(b[row]) + Double(b[4 * u + row])
                    for f in 0..<features {
                        s += Double(w[row * features + f]) * Double(xs[(n * time + t) * features + f])
                    }
                    for j in 0..<u { s += Double(r[row * u + j]) * h[n][j] }
                    z[row] = s
                }
                for j in 0..<u {
                    let (i, o, f, g) = (
                        sigmoid(z[j]), sigmoid(z[u + j]), sigmoid(z[2 * u + j]), Foundation.tanh(z[3 * u + j])
                    )
                    c[n][j] = f * c[n][j] + i * g
                    h[n][j] = o * Foundation.tanh(c[n][j])
                }
                out += h[n]
            }
        }
        return out  // [batch, time, units]
    }

    /// ONNX's GRU equations with `linear_before_reset = 1` (gates z, r, h).
    private func onnxGRU(_ x: Tensor, w: [Float], r: [Float], b: [Float], units u: Int) -> [Double] {
        let (batch, time, features) = (x.shape[0], x.shape[1], x.shape[2])
        let xs = x.scalars
        var h = [[Double]](repeating: [Double](repeating: 0, count: u), count: batch)
        var out: [Double] = []
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        for n in 0..<batch {
            for t in 0..<time {
                var xw = [Double](repeating: 0, count: 3 * u), hr = xw
                for row in 0..<(3 * u) {
                    xw[row] = Double(b[row])
                    for f in 0..<features {
                        xw[row] += Double(w[row * features + f]) * Double(xs[(n * time + t) * features + f])
                    }
                    hr[row] = Double(b[3 * u + row])
                    for j in 0..<u { hr[row] += Double(r[row * u + j]) * h[n][j] }
                }
                h[n] = (0..<u).map { j in
                    let z = sigmoid(xw[j] + hr[j]), reset = sigmoid(xw[u + j] + hr[u + j])
                    let candidate = Foundation.tanh(xw[2 * u + j] + reset * hr[2 * u + j])
                    return (1 - z) * candidate + z * h[n][j]
                }
                out += h[n]
            }
        }
        return out
    }

    private func randomizeBiases(_ model: Module) {
        var rng = RandomGenerator(seed: 99)
        for p in model.parameters where p.name == "bias" {
            p.value = Tensor.randomUniform(p.value.shape, in: -0.5...0.5, using: &rng)
        }
    }

    @Test func lstmGatesAreReorderedToIOFC() throws {
        let model = Sequential(seed: 8) { LSTM(units: 3, returnSequences: true) }
        try model.build(inputShape: [4, 2])
        randomizeBiases(model)
        let layer = model.layers[0] as! LSTM
        let onnx = try model.onnxModel()
        let (w, r, b) = (onnx.initializer("lstm.W")!, onnx.initializer("lstm.R")!, onnx.initializer("lstm.B")!)
        #expect(w.dims == [1, 12, 2] && r.dims == [1, 12, 3] && b.dims == [1, 24])
        // ONNX's second gate block (o) is Keras's fourth column block, transposed.
        let kernel = layer.kernel.value.scalars
        for u in 0..<3 {
            for f in 0..<2 { #expect(w.floatValues[(3 + u) * 2 + f] == kernel[f * 12 + 9 + u]) }
        }
        #expect(Array(b.floatValues[12..<24]) == [Float](repeating: 0, count: 12))
        let x = random([2, 4, 2], seed: 4)
        let reference = onnxLSTM(x, w: w.floatValues, r: r.floatValues, b: b.floatValues, units: 3)
        expectClose(model(x).scalars, reference.map { Float($0) }, tolerance: 1e-5)
        #expect(onnx.node("LSTM")!.outputs.count == 2 && onnx.node("LSTM")!.outputs[1].isEmpty)
    }

    @Test func gruKeepsZRHWithLinearBeforeReset() throws {
        let model = Sequential(seed: 9) { GRU(units: 3, returnSequences: true) }
        try model.build(inputShape: [5, 2])
        randomizeBiases(model)
        let onnx = try model.onnxModel()
        let (w, r, b) = (onnx.initializer("gru.W")!, onnx.initializer("gru.R")!, onnx.initializer("gru.B")!)
        #expect(w.dims == [1, 9, 2] && r.dims == [1, 9, 3] && b.dims == [1, 18])
        #expect(onnx.node("GRU")!.attribute("linear_before_reset") == .int(1))
        let x = random([3, 5, 2], seed: 6)
        let reference = onnxGRU(x, w: w.floatValues, r: r.floatValues, b: b.floatValues, units: 3)
        expectClose(model(x).scalars, reference.map { Float($0) }, tolerance: 1e-5)
    }

    @Test func stackedRecurrencesStayTimeMajor() throws {
        let model = Sequential(seed: 2) {
            Embedding(inputDim: 10, outputDim: 4)
            SimpleRNN(units: 5, returnSequences: true)
            SimpleRNN(units: 5, activation: .relu)
            Dense(units: 2, activation: .softmax)
        }
        try model.build(inputShape: [6])
        let onnx = try model.onnxModel()
        #expect(onnx.opTypes == ["Cast", "Gather", "Transpose", "RNN", "Squeeze", "RNN", "Squeeze", "Gemm", "Softmax"])
        #expect(onnx.node("Cast")!.attribute("to") == .int(7))
        #expect(onnx.node("RNN")!.attribute("activations") == .strings(["Tanh"]))
        #expect(onnx.graph.nodes[5].attribute("activations") == .strings(["Relu"]))
        #expect(onnx.initializer("simple_rnn.squeeze_axes")!.contents == .int64s([1]))
        #expect(onnx.initializer("simple_rnn_1.squeeze_axes")!.contents == .int64s([0]))
    }

    @Test func dropoutIsOmittedAndBatchNormalizationFollowsTheLayout() throws {
        let model = Sequential(seed: 4) {
            Conv2D(filters: 3, kernelSize: 3)
            BatchNormalization(epsilon: 0.01)
            Dropout(rate: 0.5)
            Flatten()
            Dense(units: 2)
            BatchNormalization()
        }
        try model.build(inputShape: [5, 5, 2])
        let onnx = try model.onnxModel()
        #expect(
            onnx.opTypes == [
                "Transpose", "Conv", "BatchNormalization", "Transpose", "Flatten", "Gemm", "BatchNormalization",
            ])
        #expect(onnx.node("BatchNormalization")!.attribute("epsilon") == .float(0.01))
        #expect(onnx.initializer("batch_normalization.moving_variance")!.dims == [3])

        let identity = Sequential(seed: 1) { Dropout(rate: 0.1) }
        try identity.build(inputShape: [3])
        let graph = try identity.onnxModel(inputName: "x", outputName: "y").graph
        #expect(
            graph.nodes.map(\.opType) == ["Identity"] && graph.nodes[0].inputs == ["x"]
                && graph.nodes[0].outputs == ["y"])
    }

    @Test func writesTheFileAtomically() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Sequential(seed: 1) { Dense(units: 3, activation: .tanh) }
        try model.build(inputShape: [4])
        let url = folder.appendingPathComponent("dense.onnx")
        try model.exportONNX(to: url)
        #expect(try InputFile(url, limits: ReadLimits.current).readAll() == (try model.onnxModel()).serializedBytes())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["dense.onnx"])
    }

    @Test func refusesWhatItCannotExportAndWritesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.onnx")
        func message(_ model: Module, inputName: String = "input") -> String? {
            do {
                try model.exportONNX(to: url, inputName: inputName)
                return nil
            } catch let error as CortexError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        let custom = TwoLayer()
        _ = custom(Tensor(zeros: [1, 3]))
        #expect(message(custom)?.hasPrefix("module (TwoLayer) cannot be exported to ONNX") == true)

        let withCustomLayer = Sequential(seed: 1) {
            Dense(units: 3)
            Doubling()
        }
        try withCustomLayer.build(inputShape: [2])
        #expect(message(withCustomLayer)?.hasPrefix("doubling (Doubling) cannot be exported to ONNX") == true)

        let unbuilt = Sequential(seed: 1) { Dense(units: 3) }
        #expect(message(unbuilt)?.contains("sequential is not built") == true)
        try unbuilt.build(inputShape: [2])
        #expect(message(unbuilt, inputName: "output")?.contains("must be non-empty and different") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
