/// Maps integer indices to dense vectors.
///
/// - Input: `[batch, timesteps]` indices stored as `Float`, each in `0..<inputDim`.
/// - Output: `[batch, timesteps, outputDim]`.
/// - `embeddings`: `[inputDim, outputDim]`, uniform in -0.05...0.05 (Keras's default).
public final class Embedding: Layer {
    public let inputDim: Int
    public let outputDim: Int
    /// `[inputDim, outputDim]`, with a value once the layer is built.
    public let embeddings = Parameter(declared: "embeddings")

    /// Creates an embedding layer.
    ///
    /// - Parameters:
    ///   - inputDim: the number of rows (indices run over `0..<inputDim`).
    ///   - outputDim: the length of each vector.
    ///   - name: the layer's name (default `embedding`, ... within its model).
    public init(inputDim: Int, outputDim: Int, name: String? = nil) {
        check(
            inputDim > 0 && outputDim > 0, "Embedding: dimensions must be positive, got \(inputDim) and \(outputDim)")
        self.inputDim = inputDim
        self.outputDim = outputDim
        super.init(name: name)
    }

    public override class var baseName: String { "embedding" }

    public override func outputShape(forInputShape inputShape: [Int]) throws -> [Int] { inputShape + [outputDim] }

    public override func createParameters(inputShape: [Int], using generator: inout RandomGenerator) {
        embeddings.build(Tensor.randomUniform([inputDim, outputDim], in: -0.05...0.05, using: &generator))
    }

    public override func validate(input: Tensor) throws {
        try input.withUnsafeBufferPointer { p in
            for i in 0..<p.count where !(p[i] >= 0 && p[i] < Float(inputDim) && p[i] == p[i].rounded()) {
                let row = i / Swift.max(1, input.count / Swift.max(1, input.shape.first ?? 1))
                throw CortexError(
                    .invalidData, "\(name) expects indices in 0..<\(inputDim) but got \(p[i]) at row \(row)")
            }
        }
    }

    public override func forward(_ input: Tensor) -> Tensor { embedding(embeddings.tensor, indices: input) }
}
