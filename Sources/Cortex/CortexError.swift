/// The error thrown by Cortex's user-facing entry points (building, training, loading, saving).
///
/// Its description names the layer or file, what was expected and what was found, e.g.
/// `dense_1 expects input [*, 2304] but got [*, 1600]`.
public struct CortexError: Error, CustomStringConvertible, Equatable {
    /// The broad category of a failure.
    public enum Kind: String, Sendable {
        /// A tensor's shape does not fit a layer or model.
        case shapeMismatch
        /// An argument is out of its valid range or inconsistent with another.
        case invalidArgument
        /// Data contains values that cannot be used (NaN, labels out of range, empty sets).
        case invalidData
        /// A file is missing, truncated or malformed.
        case invalidFile
        /// The model must be compiled before this call.
        case notCompiled
        /// A distributed run failed: an MPI call returned an error, another process failed, or
        /// the processes disagree (different models or data layouts).
        case distributed
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// Formats a per-example shape as `[*, 28, 28, 1]`.
func batchShapeDescription(_ shape: [Int]) -> String {
    "[" + (["*"] + shape.map(String.init)).joined(separator: ", ") + "]"
}
