extension Cortex {
    /// The library's version (semantic versioning), as written into exported files
    /// (for example ONNX's `producer_version`).
    public static let version = "0.1.0"
}
