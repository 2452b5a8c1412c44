import CCortexShims

/// Unaligned 8-lane loads and stores, for kernels that the compiler does not vectorize alone
/// (selects and comparisons in the loop body).
typealias Float8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

@inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}

/// Lane-wise maximum via a select (pointwiseMax does not vectorize here).
@inline(__always)
func max8(_ a: Float8, _ b: Float8) -> Float8 {
    a.replacing(with: b, where: b .> a)
}

/// Lane-wise IEEE square root in one vector instruction (Swift's own is per lane, with a libm
/// call for negative inputs); equal to `Float.squareRoot()` in every lane.
@inline(__always)
func sqrt8(_ v: Float8) -> Float8 {
    cortex_sqrt8(v)
}
