/// The registry of differentiable ops that ``OpTableTests`` checks: finite-difference
/// gradients, output and gradient shapes, tracking, `withoutGradients` and broadcasting, for
/// every sample of every entry.
///
/// Each family of ops declares its entries in its own file (`OpTable+Arithmetic.swift`:
/// `extension OpTable { static let arithmetic: [OpInfo] = [...] }`); a new family is one new
/// file and one more line in ``all``. A new op in an existing family is one more entry there.
enum OpTable {
    /// Every entry: one line per family.
    static let all: [OpInfo] = [
        arithmetic,
        reductions,
        shaping,
        linearAlgebra,
        activations,
        convolution,
        pooling,
        normalization,
        layerNormalizationOps,
        embeddingLookup,
        recurrent,
        crossEntropy,
        losses,
    ].flatMap { $0 }

    /// Every sample of every entry, the arguments of the generic tests.
    static let samples: [OpSample] = all.flatMap(\.samples)

    /// Declarations in `Sources/Cortex/Tensor/` that need no entry, and why.
    static let exempt: [String: String] = [
        "elementsEqual(_:)": "a comparison: returns 0/1, not differentiable",
        "elementsGreater(than:)": "a comparison: returns 0/1, not differentiable",
        "argmax(alongAxis:)": "returns indices, not differentiable",
        "withUnsafeBufferPointer(_:)": "storage access",
        "withUnsafeMutableBufferPointer(_:)": "storage access",
        "withOptionalBuffer(_:_:)": "storage access",
        "recurrent(_:kernel:recurrentKernel:bias:mask:cell:_:op:)":
            "the generic recurrent op, checked through simpleRNN, lstm and gru",
        "randomNormal(_:mean:standardDeviation:using:)": "a random constructor: no tensor inputs",
        "randomUniform(_:in:using:)": "a random constructor: no tensor inputs",
        "randomTruncatedNormal(_:mean:standardDeviation:using:)": "a random constructor: no tensor inputs",
        "next()": "RandomGenerator",
        "nextUnitFloat()": "RandomGenerator",
        "nextNormal()": "RandomGenerator",
        "nextInt(below:)": "RandomGenerator",
        "shuffle(_:)": "RandomGenerator",
        "==(RandomGenerator,RandomGenerator)": "RandomGenerator",
    ]
}
