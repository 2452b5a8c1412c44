import Foundation

/// The FFT of a real sequence of even length N through one complex FFT of length N/2, about
/// twice as fast as transforming it as complex data.
///
/// The samples are packed as `z[m] = x[2m] + i·x[2m+1]`; with `Z` its transform and `W = exp(-2πi/N)`,
/// the even and odd samples' transforms are `E[k] = (Z[k] + conj Z[M-k]) / 2` and
/// `O[k] = (Z[k] - conj Z[M-k]) / 2i`, and `X[k] = E[k] + Wᵏ O[k]` for k = 0…N/2 (the other
/// half is the conjugate mirror). The inverse undoes each step.
struct RealFFT {
    /// The real sequence's length N, a power of two >= 2.
    let count: Int
    private let half: FFT
    /// cos and sin of -2πk/N for k < N/2.
    private let cosines: [Double]
    private let sines: [Double]

    /// Prepares transforms of real sequences of length `count`, a power of two >= 2.
    init(count: Int) {
        precondition(count >= 2 && count & (count - 1) == 0, "RealFFT length must be a power of two >= 2, got \(count)")
        self.count = count
        (cosines, sines) = FFT.twiddles(count)
        half = FFT(count: count / 2, cosines: cosines, sines: sines, stride: 2)
    }

    /// The bins `X[0...N/2]` of the transform of `x` zero-padded to N (`x.count <= N`).
    func forward(_ x: [Double]) -> (real: [Double], imaginary: [Double]) {
        precondition(x.count <= count, "RealFFT of length \(count) given \(x.count) values")
        let m = count / 2
        var zr = [Double](repeating: 0, count: m), zi = [Double](repeating: 0, count: m)
        for (j, value) in x.enumerated() {
            if j & 1 == 0 { zr[j >> 1] = value } else { zi[j >> 1] = value }
        }
        var xr = [Double](repeating: 0, count: m + 1), xi = [Double](repeating: 0, count: m + 1)
        zr.withUnsafeMutableBufferPointer { zr in
            zi.withUnsafeMutableBufferPointer { zi in
                half.forward(real: zr, imaginary: zi)
                xr[0] = zr[0] + zi[0]
                xr[m] = zr[0] - zi[0]
                cosines.withUnsafeBufferPointer { cosines in
                    sines.withUnsafeBufferPointer { sines in
                        xr.withUnsafeMutableBufferPointer { xr in
                            xi.withUnsafeMutableBufferPointer { xi in
                                for k in 1..<Swift.max(m, 1) {
                                    let a = zr[k], b = zi[k], c = zr[m - k], d = -zi[m - k]
                                    let er = (a + c) / 2, ei = (b + d) / 2
                                    let or = (b - d) / 2, oi = (c - a) / 2
                                    let wr = cosines[k], wi = sines[k]
                                    xr[k] = er + wr * or - wi * oi
                                    xi[k] = ei + wr * oi + wi * or
                                }
                            }
                        }
                    }
                }
            }
        }
        return (xr, xi)
    }

    /// The real sequence of length N whose transform has bins `X[0...N/2]` (`real`, `imaginary`).
    func inverse(real xr: [Double], imaginary xi: [Double]) -> [Double] {
        let m = count / 2
        precondition(xr.count == m + 1 && xi.count == m + 1, "RealFFT.inverse needs \(m + 1) bins")
        var zr = [Double](repeating: 0, count: m), zi = [Double](repeating: 0, count: m)
        cosines.withUnsafeBufferPointer { cosines in
            sines.withUnsafeBufferPointer { sines in
                for k in 0..<m {
                    // E = (X[k] + conj X[M-k]) / 2, O = (X[k] - conj X[M-k]) / 2 · conj Wᵏ, Z = E + iO.
                    let a = xr[k], b = xi[k], c = xr[m - k], d = -xi[m - k]
                    let er = (a + c) / 2, ei = (b + d) / 2
                    let dr = (a - c) / 2, di = (b - d) / 2
                    let wr = cosines[k], wi = -sines[k]
                    let or = dr * wr - di * wi, oi = dr * wi + di * wr
                    zr[k] = er - oi
                    zi[k] = ei + or
                }
            }
        }
        zr.withUnsafeMutableBufferPointer { zr in
            zi.withUnsafeMutableBufferPointer { zi in half.inverse(real: zr, imaginary: zi) }
        }
        var x = [Double](repeating: 0, count: count)
        for j in 0..<m {
            x[2 * j] = zr[j]
            x[2 * j + 1] = zi[j]
        }
        return x
    }
}
