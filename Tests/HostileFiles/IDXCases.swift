// Hostile IDX files (MNIST format), plain and gzipped, each dropped into an otherwise valid
// data-set folder (issue 19, items 2, 4 and 10).
import Cortex
import Foundation

extension HostileCorpus {
    static func idxCases() -> [HostileCase] {
        let images = "train-images-idx3-ubyte", labels = "train-labels-idx1-ubyte"
        func c(
            _ name: String, _ file: String, _ expectation: HostileCase.Expectation, limits: ReadLimits? = nil,
            large: Bool = false,
            _ make: @escaping @Sendable () throws -> [UInt8]
        ) -> HostileCase {
            HostileCase(name, .idx, file: file, .bytes(make), expectation, limits: limits, large: large)
        }
        let gzipImages = compress(IDXFiles.images, gzip: true)
        /// A gzipped images file declaring `dimensions` whose data is `count` zero bytes.
        @Sendable func zeros(_ dimensions: [UInt32], count: Int) -> [UInt8] {
            let head = IDXFiles.images(dimensions, data: [])
            return compress(count: head.count + count, gzip: true, level: 1) { offset, length in
                offset == 0
                    ? head + [UInt8](repeating: 0, count: length - head.count) : [UInt8](repeating: 0, count: length)
            }.bytes
        }
        return [
            c("dimensions-ffffffff", images, .refused("exceed the read limit")) {
                [0, 0, 8, 3] + Array(repeating: 0xFF, count: 12)
            },
            c("labels-ffffffff", labels, .refused("exceed the read limit")) { [0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF] },
            c("dimensions-2^32", images, .refused("exceed the read limit")) {
                IDXFiles.images([65536, 65536, 1], data: [])
            },
            c("dimensions-overflow-gz", images + ".gz", .refused("exceed the read limit")) {
                compress([0, 0, 8, 3] + Array(repeating: 0xFF, count: 12), gzip: true)
            },
            c("data-short", images, .refused("need 8 data bytes but the file has 7")) {
                Array(IDXFiles.images.dropLast())
            },
            c("data-long", images, .refused("need 8 data bytes but the file has 9")) { IDXFiles.images + [0] },
            c("bad-magic", images, .refused("bad magic number")) { [1, 2, 3, 4] + IDXFiles.images.dropFirst(4) },
            c("signed-byte-type", images, .refused("bad magic number 00000903")) {
                [0, 0, 9, 3] + IDXFiles.images.dropFirst(4)
            },
            c("wrong-rank", images, .refused("IDX rank 1, expected 3")) {
                [0, 0, 8, 1] + IDXFiles.images.dropFirst(4)
            },
            c("rank-255", images, .refused("IDX rank 255")) { [0, 0, 8, 255] + noise(64) },
            c("truncated-header", images, .refused("truncated IDX header")) { Array(IDXFiles.images.prefix(8)) },
            c("two-bytes", labels, .refused("too short")) { [0, 0] },
            c("empty", labels, .refused("too short")) { [] },
            c("label-10", labels, .refused("label 10")) { [0, 0, 8, 1, 0, 0, 0, 2, 1, 10] },
            c("count-mismatch", labels, .refused("labels has 3 rows but images has 2")) {
                [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]
            },
            c("zero-rows", images, .refused("labels has 2 rows but images has 0")) {
                IDXFiles.images([0, 2, 2], data: [])
            },
            c("gzip-valid", images + ".gz", .accepted("train=2")) { gzipImages },
            c("gzip-truncated", images + ".gz", .refused("truncated gzip stream")) { Array(gzipImages.dropLast(10)) },
            c("gzip-trailer-cut", images + ".gz", .refused("truncated gzip stream")) { Array(gzipImages.dropLast(4)) },
            c("gzip-crc", images + ".gz", .refused("corrupt gzip data")) {
                var bytes = gzipImages
                bytes[bytes.count - 8] ^= 0xFF
                return bytes
            },
            c("gzip-corrupt-deflate", images + ".gz", .refused("gzip")) {
                var bytes = gzipImages
                bytes[12] ^= 0x55
                return bytes
            },
            c("gzip-magic-then-noise", images + ".gz", .refused("gzip")) { [0x1F, 0x8B] + noise(100) },
            c("gzip-bomb-1.5-gb", images + ".gz", .refused("exceed the read limit"), large: true) {
                zeros([2_000_000, 28, 28], count: 1_568_000_000)
            },
            c(
                "gzip-lying-200-mb", images + ".gz", .refused("need 200000000 data bytes but the file has 1048576"),
                large: true
            ) {
                compress(IDXFiles.images([200_000_000, 1, 1], data: []) + noise(1 << 20), gzip: true)
            },
            c("gzip-more-data", images + ".gz", .refused("need 8 data bytes but the file has more")) {
                compress(IDXFiles.images + [1, 2, 3], gzip: true)
            },
            c("gzip-two-members", images + ".gz", .accepted("train=2")) {
                compress(Array(IDXFiles.images.prefix(10)), gzip: true)
                    + compress(Array(IDXFiles.images.dropFirst(10)), gzip: true)
            },
            c("gzip-trailing-garbage", images + ".gz", .accepted("train=2")) { gzipImages + noise(50) },
            c("plain-named-gz", images + ".gz", .accepted("train=2")) { IDXFiles.images },
            c(
                "gzip-bomb-above-lowered-limit", images + ".gz", .refused("exceed the read limit of 1048576"),
                limits: ReadLimits(maximumBytes: 1 << 20), large: true
            ) { zeros([2 << 20, 1, 1], count: 2 << 20) },
            c(
                "gzip-bomb-within-lowered-limit", images + ".gz", .refused("labels has 2 rows but images has 2097152"),
                limits: ReadLimits(maximumBytes: 4 << 20), large: true
            ) { zeros([2 << 20, 1, 1], count: 2 << 20) },
        ]
    }
}
