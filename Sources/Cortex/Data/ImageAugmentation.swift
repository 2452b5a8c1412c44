import Foundation

/// Random geometric augmentation of NHWC image batches, drawn per image from a seeded generator.
///
/// Each image gets a random rotation in `±maxRotation` degrees about its center and a random
/// shift of up to `maxShift` pixels each way (equivalent to padding by `maxShift` and cropping
/// at random), optionally a horizontal flip with probability 1/2 (off by default: it would turn
/// digits into other glyphs). Pixels are resampled bilinearly; areas that come from outside the
/// image are filled with `fill`.
public struct ImageAugmentation: Sendable {
    public var maxShift: Float
    public var maxRotation: Float
    public var horizontalFlip: Bool
    public var fill: Float

    public init(maxShift: Float = 2, maxRotation: Float = 10, horizontalFlip: Bool = false, fill: Float = 0) {
        precondition(maxShift >= 0 && maxRotation >= 0, "ImageAugmentation: ranges must be non-negative")
        (self.maxShift, self.maxRotation, self.horizontalFlip, self.fill) = (
            maxShift, maxRotation, horizontalFlip, fill
        )
    }

    /// An augmented copy of `images` `[batch, height, width, channels]`.
    public func callAsFunction(_ images: Tensor, using generator: inout RandomGenerator) -> Tensor {
        precondition(
            images.rank == 4, "ImageAugmentation expects [batch, height, width, channels], got \(images.shape)")
        let (batch, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        // Draw every image's transform first, so the result does not depend on thread timing.
        let transforms = (0..<batch).map { _ -> (cos: Float, sin: Float, dx: Float, dy: Float, flip: Bool) in
            let angle = (generator.nextUnitFloat() * 2 - 1) * maxRotation * .pi / 180
            let dx = (generator.nextUnitFloat() * 2 - 1) * maxShift, dy = (generator.nextUnitFloat() * 2 - 1) * maxShift
            let flip = horizontalFlip && generator.nextUnitFloat() < 0.5
            return (Foundation.cos(angle), Foundation.sin(angle), dx, dy, flip)
        }
        let fill = fill
        return Tensor(uninitializedShape: images.shape) { out in
            images.withUnsafeBufferPointer { x in
                let (src, dst) = (x.baseAddress!, out.baseAddress!)
                parallelChunks(batch) { range in
                    for b in range {
                        let t = transforms[b]
                        let cy = Float(h - 1) / 2, cx = Float(w - 1) / 2
                        let image = src + b * h * w * c, result = dst + b * h * w * c
                        for oy in 0..<h {
                            for ox in 0..<w {
                                // Inverse map: output pixel -> source position (un-shift, un-rotate, un-flip).
                                let px = Float(ox) - cx - t.dx, py = Float(oy) - cy - t.dy
                                var sx = t.cos * px + t.sin * py + cx
                                let sy = -t.sin * px + t.cos * py + cy
                                if t.flip { sx = Float(w - 1) - sx }
                                Self.sample(image, h, w, c, sx, sy, fill, result + (oy * w + ox) * c)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Bilinear sample of all channels at (x, y); outside neighbors count as `fill`.
    @inline(__always)
    static func sample(
        _ image: UnsafePointer<Float>, _ h: Int, _ w: Int, _ c: Int, _ x: Float, _ y: Float, _ fill: Float,
        _ out: UnsafeMutablePointer<Float>
    ) {
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let fx = x - Float(x0), fy = y - Float(y0)
        for ch in 0..<c {
            func pixel(_ yy: Int, _ xx: Int) -> Float {
                yy >= 0 && yy < h && xx >= 0 && xx < w ? image[(yy * w + xx) * c + ch] : fill
            }
            let top = pixel(y0, x0) * (1 - fx) + pixel(y0, x0 + 1) * fx
            let bottom = pixel(y0 + 1, x0) * (1 - fx) + pixel(y0 + 1, x0 + 1) * fx
            out[ch] = top * (1 - fy) + bottom * fy
        }
    }
}
