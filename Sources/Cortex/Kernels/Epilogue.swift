/// What an op applies to its result in the same pass, while the result is still in cache:
/// ReLU after the bias, then a 2x2, stride-2 max pooling.
///
/// A layer says which of these it can absorb from the layer after it (`Layer.fused(with:)`),
/// and the op it runs receives the combined value; kernels read it instead of separate flags.
struct Epilogue: Equatable, Sendable {
    /// `max(x, 0)` after the bias.
    var relu = false
    /// A 2x2, stride-2, unpadded max pooling after the activation.
    var maxPooling = false

    /// Nothing after the op (its bias aside).
    static let none = Epilogue()

    /// One step a following layer can contribute.
    enum Step: Equatable, Sendable {
        /// ReLU.
        case relu
        /// 2x2, stride-2, unpadded max pooling.
        case maxPooling2x2
    }

    /// This epilogue followed by `step`, or nil when that order cannot run inside the op (a
    /// second ReLU or pooling, or ReLU after pooling, where it would pool negative values).
    func appending(_ step: Step) -> Epilogue? {
        switch step {
        case .relu: relu || maxPooling ? nil : Epilogue(relu: true, maxPooling: false)
        case .maxPooling2x2: maxPooling ? nil : Epilogue(relu: relu, maxPooling: true)
        }
    }
}

/// The epilogue's bias and ReLU over blocks of an op's result, and their backward passes.
enum EpilogueKernel {
    /// `y[r, c] = max(y[r, c] + bias[c], 0)` (without the max unless `relu`; nothing when there is
    /// neither a bias nor ReLU), over a row-major `[rows, columns]` block.
    static func apply(
        _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>?, relu: Bool
    ) {
        if let bias {
            ElementwiseKernel.addRowVector(bias, to: y, rows: rows, columns: columns, relu: relu)
        } else if relu {
            ElementwiseKernel.reluInPlace(y, count: rows * columns)
        }
    }

    /// The gradient before the bias and ReLU of a `[rows, columns]` block, from the gradient `dy`
    /// after them: masked where the result `y` is not positive (with ReLU, written to `scratch`),
    /// and with its column sums added to `biasGradient` when given. Returns `dy` itself when
    /// there is no ReLU.
    static func gradient(
        _ dy: UnsafePointer<Float>, result y: UnsafePointer<Float>, rows: Int, columns: Int, relu: Bool,
        scratch: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) -> UnsafePointer<Float> {
        guard relu else {
            if let biasGradient { ReductionKernel.addColumnSums(dy, rows: rows, columns: columns, into: biasGradient) }
            return dy
        }
        ElementwiseKernel.reluBackward(
            dy, result: y, into: scratch, rows: rows, columns: columns, columnSums: biasGradient)
        return UnsafePointer(scratch)
    }
}
