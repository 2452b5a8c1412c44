/// Input checks shared by the classical models and the data utilities.
enum Validate {
    /// A non-empty `[n, d]` feature matrix of finite values.
    static func features(_ x: Tensor, _ context: String) throws {
        guard x.rank == 2 else {
            throw CortexError(.shapeMismatch, "\(context) expects features [n, d] but got \(x.shape)")
        }
        guard x.shape[0] > 0, x.shape[1] > 0 else {
            throw CortexError(.invalidData, "\(context) got empty features \(x.shape)")
        }
        try finite(x, "features", context)
    }

    /// Targets with one row per feature row, all finite.
    static func targets(_ y: Tensor, rows: Int, _ context: String) throws {
        guard y.rank >= 1, y.shape[0] == rows else {
            throw CortexError(
                .invalidData, "\(context): targets has \(y.shape.first ?? 0) rows but features has \(rows)")
        }
        try finite(y, "targets", context)
    }

    static func finite(_ t: Tensor, _ name: String, _ context: String) throws {
        let perRow = Swift.max(1, t.count / Swift.max(1, t.shape.first ?? 1))
        try t.withUnsafeBufferPointer { p in
            if let i = ReductionKernel.firstNonFinite(p) {
                throw CortexError(.invalidData, "\(context): \(name) contain \(p[i]) at row \(i / perRow)")
            }
        }
    }
}
