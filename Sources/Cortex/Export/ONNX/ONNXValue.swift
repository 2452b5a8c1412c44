/// A tensor in the ONNX graph being built: its name, its shape in Cortex's axis order, and the
/// order in which its axes are stored in ONNX.
///
/// Cortex is channels-last (`[batch, height, width, channels]`) and batch-first for sequences
/// (`[batch, time, features]`); ONNX's `Conv`, pooling and `BatchNormalization` want channels at
/// axis 1, and its recurrent operators want time first. A value remembers which arrangement it
/// is stored in, and ``ONNXGraphBuilder/arrange(_:_:scope:)`` inserts a `Transpose` only where a
/// consumer needs another one. A run of convolutions and poolings therefore pays one transpose
/// at each end, and stacked recurrent layers stay time-major between them.
struct ONNXValue {
    /// The value's name in the graph.
    let name: String
    /// The per-example shape in Cortex's axis order (no batch axis).
    let shape: [Int]
    /// `axes[i]` is the Cortex axis (0 = batch) stored at ONNX axis `i`.
    let axes: [Int]

    /// A value stored in Cortex's own axis order.
    init(name: String, shape: [Int]) {
        self.init(name: name, shape: shape, axes: Array(0...shape.count))
    }

    /// A value whose axes are stored in the order `axes` (a permutation of `0...shape.count`).
    init(name: String, shape: [Int], axes: [Int]) {
        check(
            axes.sorted() == Array(0...shape.count), "ONNXValue \(name): axes \(axes) do not fit shape \(shape)")
        self.name = name
        self.shape = shape
        self.axes = axes
    }

    /// The number of axes, batch included.
    var rank: Int { shape.count + 1 }

    /// Whether the value is stored in Cortex's axis order.
    var isInCortexOrder: Bool { axes == Self.cortexOrder(rank: rank) }

    /// The ONNX axis holding Cortex's last axis (channels or features).
    var channelAxis: Int { axes.firstIndex(of: rank - 1)! }

    /// Cortex's own order: `[0, 1, ..., rank - 1]`.
    static func cortexOrder(rank: Int) -> [Int] { Array(0..<rank) }

    /// Channels at axis 1, the other axes after it in their order: NHWC becomes NCHW,
    /// `[batch, width, channels]` becomes `[batch, channels, width]`. Rank 2 is unchanged.
    static func channelsFirst(rank: Int) -> [Int] {
        rank <= 2 ? cortexOrder(rank: rank) : [0, rank - 1] + Array(1..<(rank - 1))
    }

    /// Time before batch, as ONNX's `RNN`, `LSTM` and `GRU` want their sequences:
    /// `[batch, time, features]` stored as `[time, batch, features]`.
    static func timeMajor(rank: Int) -> [Int] {
        check(rank >= 2, "a time-major value needs batch and time axes")
        return [1, 0] + Array(2..<rank)
    }
}
