import Foundation

/// An in-place radix-2 complex FFT in Double over split real and imaginary buffers, for the
/// convolutions of privacy loss distributions.
///
/// Iterative Cooley–Tukey: a bit-reversal permutation, then log₂ n passes of butterflies. Each
/// twiddle factor `exp(-2πik/n)` is computed directly with `cos` and `sin` (no recurrence), so
/// the rounding error of a transform grows like `log n · ε` relative to the input's norm.
struct FFT {
    /// The transform length, a power of two.
    let count: Int
    private let cosines: [Double]
    private let sines: [Double]

    /// Prepares transforms of length `count`, a power of two >= 1.
    init(count: Int) {
        let (cosines, sines) = FFT.twiddles(count)
        self.init(count: count, cosines: cosines, sines: sines, stride: 1)
    }

    /// Length `count`, with the twiddles taken from a table for a multiple of `count`: entry
    /// `k · stride` of `cosines` and `sines` is `cos` and `sin` of `-2πk / count`.
    init(count: Int, cosines: [Double], sines: [Double], stride: Int) {
        precondition(count > 0 && count & (count - 1) == 0, "FFT length must be a power of two, got \(count)")
        self.count = count
        let half = Swift.max(count / 2, 1)
        if stride == 1 {
            self.cosines = cosines
            self.sines = sines
        } else {
            self.cosines = (0..<half).map { cosines[$0 * stride] }
            self.sines = (0..<half).map { sines[$0 * stride] }
        }
    }

    /// `cos` and `sin` of `-2πk / count` for k < count / 2 (one entry for count 1).
    static func twiddles(_ count: Int) -> (cosines: [Double], sines: [Double]) {
        let half = count / 2
        var cosines = [Double](repeating: 1, count: Swift.max(half, 1))
        var sines = [Double](repeating: 0, count: Swift.max(half, 1))
        for k in 0..<half {
            let angle = -2 * Double.pi * Double(k) / Double(count)
            cosines[k] = Foundation.cos(angle)
            sines[k] = Foundation.sin(angle)
        }
        return (cosines, sines)
    }

    /// The smallest power of two >= `n`.
    static func length(atLeast n: Int) -> Int {
        var length = 1
        while length < n { length <<= 1 }
        return length
    }

    /// `X[k] = Σⱼ x[j] exp(-2πijk/n)`, in place.
    func forward(real: UnsafeMutableBufferPointer<Double>, imaginary: UnsafeMutableBufferPointer<Double>) {
        transform(real: real, imaginary: imaginary, inverse: false)
    }

    /// `x[j] = (1/n) Σₖ X[k] exp(2πijk/n)`, in place: the inverse of ``forward(real:imaginary:)``.
    func inverse(real: UnsafeMutableBufferPointer<Double>, imaginary: UnsafeMutableBufferPointer<Double>) {
        transform(real: real, imaginary: imaginary, inverse: true)
        let scale = 1 / Double(count)
        for i in 0..<count {
            real[i] *= scale
            imaginary[i] *= scale
        }
    }

    private func transform(
        real re: UnsafeMutableBufferPointer<Double>, imaginary im: UnsafeMutableBufferPointer<Double>, inverse: Bool
    ) {
        let n = count
        precondition(re.count >= n && im.count >= n, "FFT buffers hold \(re.count), \(im.count) values, need \(n)")
        if n == 1 { return }
        // Bit-reversal permutation.
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j |= bit
            if i < j {
                re.swapAt(i, j)
                im.swapAt(i, j)
            }
        }
        let sign: Double = inverse ? -1 : 1
        let rp = re.baseAddress!, ip = im.baseAddress!
        cosines.withUnsafeBufferPointer { cosines in
            sines.withUnsafeBufferPointer { sines in
                let cp = cosines.baseAddress!, sp = sines.baseAddress!
                var size = 2
                while size <= n {
                    let half = size / 2, step = n / size
                    var start = 0
                    while start < n {
                        var t = 0
                        for a in start..<(start + half) {
                            let wr = cp[t], wi = sign * sp[t]
                            t += step
                            let b = a + half
                            let br = rp[b], bi = ip[b]
                            let tr = br * wr - bi * wi
                            let ti = br * wi + bi * wr
                            let ar = rp[a], ai = ip[a]
                            rp[b] = ar - tr
                            ip[b] = ai - ti
                            rp[a] = ar + tr
                            ip[a] = ai + ti
                        }
                        start += size
                    }
                    size <<= 1
                }
            }
        }
    }
}

extension FFT {
    /// The linear convolution of two real sequences (length `a.count + b.count - 1`).
    static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(!a.isEmpty && !b.isEmpty, "convolve needs two non-empty sequences")
        let outputCount = a.count + b.count - 1
        let fft = RealFFT(count: length(atLeast: Swift.max(outputCount, 2)))
        var (ar, ai) = fft.forward(a)
        let (br, bi) = fft.forward(b)
        for k in ar.indices {
            let r = ar[k] * br[k] - ai[k] * bi[k]
            ai[k] = ar[k] * bi[k] + ai[k] * br[k]
            ar[k] = r
        }
        return Array(fft.inverse(real: ar, imaginary: ai)[0..<outputCount])
    }

    /// The `times`-fold convolution of `p` with itself, read off the cyclic result of length
    /// `length(atLeast: max(window.count, p.count))` at indices `window` (indices into the full
    /// result, of length `(p.count - 1) · times + 1`).
    ///
    /// The transform is raised to the power `times` bin by bin by repeated squaring (about
    /// 2 log₂ `times` complex products, each exact to rounding). Mass of the full result outside
    /// `window` wraps around into it; the caller chooses a window that leaves out at most a
    /// negligible mass.
    static func selfConvolve(_ p: [Double], times: Int, window: ClosedRange<Int>) -> [Double] {
        precondition(times >= 1 && !p.isEmpty, "selfConvolve needs times >= 1 and a non-empty sequence")
        let fft = RealFFT(count: length(atLeast: Swift.max(window.count, p.count, 2)))
        var (real, imaginary) = fft.forward(p)
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in
                for k in 0..<re.count {
                    var baseR = re[k], baseI = im[k]
                    var resultR = 1.0, resultI = 0.0
                    var exponent = times
                    while exponent > 0 {
                        if exponent & 1 == 1 {
                            let r = resultR * baseR - resultI * baseI
                            resultI = resultR * baseI + resultI * baseR
                            resultR = r
                        }
                        exponent >>= 1
                        if exponent > 0 {
                            let r = baseR * baseR - baseI * baseI
                            baseI = 2 * baseR * baseI
                            baseR = r
                        }
                    }
                    re[k] = resultR
                    im[k] = resultI
                }
            }
        }
        let cyclic = fft.inverse(real: real, imaginary: imaginary)
        let n = cyclic.count
        var output = [Double](repeating: 0, count: window.count)
        var source = ((window.lowerBound % n) + n) % n
        for k in 0..<window.count {
            output[k] = cyclic[source]
            source += 1
            if source == n { source = 0 }
        }
        return output
    }
}
