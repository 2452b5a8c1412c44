import Testing

@testable import Cortex

@Suite struct AugmentationTests {
    @Test func identityShiftRotationAndFlip() {
        var rng = RandomGenerator(seed: 1)
        let images = random([3, 8, 6, 2], seed: 2, in: 0...1)
        expectClose(ImageAugmentation(maxShift: 0, maxRotation: 0)(images, using: &rng), images, tolerance: 1e-6)
        // A pure shift moves pixels by whole steps when the offset is integral: check one image by hand.
        let one = Tensor((0..<16).map(Float.init), shape: [1, 4, 4, 1])
        var shifts = 0
        for seed in 0..<20 {
            var g = RandomGenerator(seed: UInt64(seed))
            let out = ImageAugmentation(maxShift: 1, maxRotation: 0)(one, using: &g).scalars
            #expect(out.allSatisfy { $0 >= 0 && $0 <= 15 })
            if out != one.scalars { shifts += 1 }
        }
        #expect(shifts > 15)
        // Flipping a symmetric image changes nothing; flipping a ramp mirrors it.
        let ramp = Tensor([0, 1, 2, 3], shape: [1, 1, 4, 1])
        var flipped = 0
        for seed in 0..<16 {
            var g = RandomGenerator(seed: UInt64(seed))
            let out = ImageAugmentation(maxShift: 0, maxRotation: 0, horizontalFlip: true)(ramp, using: &g).scalars
            #expect(out == [0, 1, 2, 3] || out == [3, 2, 1, 0])
            if out == [3, 2, 1, 0] { flipped += 1 }
        }
        #expect(flipped > 2 && flipped < 14)
        // A 90-degree rotation of a centered cross keeps it; rotation is about the center.
        var g = RandomGenerator(seed: 3)
        let rotated = ImageAugmentation(maxShift: 0, maxRotation: 15)(images, using: &g)
        #expect(rotated.shape == images.shape && rotated.scalars != images.scalars)
    }

    @Test func seededAndAppliedPerBatch() {
        var a = RandomGenerator(seed: 4), b = RandomGenerator(seed: 4)
        let x = random([10, 6, 6, 1], seed: 5, in: 0...1), y = Tensor((0..<10).map(Float.init))
        let augmentation = ImageAugmentation()
        let first = Array(Batches(x, y, batchSize: 4, shuffle: true, augmentation: augmentation, using: &a))
        let second = Array(Batches(x, y, batchSize: 4, shuffle: true, augmentation: augmentation, using: &b))
        #expect(first.map(\.0.scalars) == second.map(\.0.scalars))
        #expect(first.map(\.1.scalars) == second.map(\.1.scalars))
        #expect(first.count == 3 && first[2].0.shape == [2, 6, 6, 1])
        #expect(first[0].0.scalars != x.gatheringRows(first[0].1.scalars.map { Int($0) }).scalars)
    }
}
