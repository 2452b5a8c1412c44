import Foundation

/// Images and their class labels.
public struct LabeledImages: Sendable {
    /// `[count, height, width, 1]`, scaled to `0...1`.
    public let images: Tensor
    /// `[count]` class indices stored as `Float`.
    public let labels: Tensor
    public var count: Int { labels.count }
}

/// Loads MNIST-format data sets (MNIST, Fashion-MNIST and subsets) from IDX files.
///
/// The directory holds `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
/// `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`, each optionally gzipped (`.gz`).
public enum MNIST {
    /// Loads the training and test sets; throws a ``CortexError`` naming the file for a
    /// missing file, a wrong magic number, sizes that disagree, or labels above 9.
    public static func load(directory: String) throws -> (train: LabeledImages, test: LabeledImages) {
        try load(directory: URL(fileURLWithPath: directory))
    }

    public static func load(directory: URL) throws -> (train: LabeledImages, test: LabeledImages) {
        (try loadSet(directory, prefix: "train"), try loadSet(directory, prefix: "t10k"))
    }

    private static func loadSet(_ directory: URL, prefix: String) throws -> LabeledImages {
        let images = try readIDX(locate(directory, "\(prefix)-images-idx3-ubyte"), expectedRank: 3)
        let labels = try readIDX(locate(directory, "\(prefix)-labels-idx1-ubyte"), expectedRank: 1)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw CortexError(
                .invalidFile,
                "\(prefix) labels has \(labels.dimensions[0]) rows but images has \(images.dimensions[0])")
        }
        if let bad = labels.bytes.first(where: { $0 > 9 }) {
            throw CortexError(.invalidFile, "\(prefix)-labels-idx1-ubyte holds label \(bad), expected 0...9")
        }
        let (n, h, w) = (images.dimensions[0], images.dimensions[1], images.dimensions[2])
        let pixels = Tensor(uninitializedShape: [n, h, w, 1]) { out in
            images.bytes.withUnsafeBufferPointer { b in for i in 0..<out.count { out[i] = Float(b[i]) / 255 } }
        }
        return LabeledImages(images: pixels, labels: Tensor(labels.bytes.map(Float.init), shape: [n]))
    }

    private static func locate(_ directory: URL, _ name: String) throws -> URL {
        for candidate in [name + ".gz", name] {
            let url = directory.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw CortexError(.invalidFile, "\(directory.path): neither \(name) nor \(name).gz exists")
    }

    /// Parses an unsigned-byte IDX file: magic `0x00 0x00 0x08 rank`, big-endian dimensions,
    /// data. The dimensions are checked against the file (its size when plain, the end of the
    /// stream when gzipped) and against ``ReadLimits`` before the data is read.
    static func readIDX(_ url: URL, expectedRank: Int) throws -> (dimensions: [Int], bytes: [UInt8]) {
        let limits = ReadLimits.current
        let stream = try InputStream(url, limits: limits)
        let file = url.lastPathComponent
        let magic = try stream.read(count: 4)
        guard magic.count == 4 else {
            throw CortexError(.invalidFile, "\(file): \(magic.count) bytes is too short for an IDX header")
        }
        guard magic[0] == 0, magic[1] == 0, magic[2] == 0x08 else {
            throw CortexError(
                .invalidFile,
                "\(file): bad magic number \(magic.map { String(format: "%02x", $0) }.joined()), expected 000008\(String(format: "%02x", expectedRank)) (unsigned-byte IDX)"
            )
        }
        guard Int(magic[3]) == expectedRank else {
            throw CortexError(.invalidFile, "\(file): IDX rank \(magic[3]), expected \(expectedRank)")
        }
        let header = try stream.read(count: 4 * expectedRank)
        guard header.count == 4 * expectedRank else { throw CortexError(.invalidFile, "\(file): truncated IDX header") }
        let dimensions = (0..<expectedRank).map { i in
            (0..<4).reduce(0) { $0 << 8 | Int(header[4 * i + $1]) }
        }
        // Each dimension is below 2^32, so the product is checked one factor at a time.
        var expected = 1
        for d in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: d)
            guard !overflow, product <= limits.maximumElements, product <= limits.maximumBytes else {
                throw CortexError(
                    .invalidFile,
                    "\(file): dimensions \(dimensions) exceed the read limit of \(Swift.min(limits.maximumElements, limits.maximumBytes)) values (\(ReadLimits.raiseHint("maximumElements")))"
                )
            }
            expected = product
        }
        let headerSize = 4 + 4 * expectedRank
        func mismatch(_ found: String) -> CortexError {
            CortexError(
                .invalidFile, "\(file): dimensions \(dimensions) need \(expected) data bytes but the file has \(found)")
        }
        if !stream.isCompressed && stream.file.size - headerSize != expected {
            throw mismatch(String(stream.file.size - headerSize))
        }
        let bytes = try stream.read(count: expected)
        guard bytes.count == expected else { throw mismatch(String(bytes.count)) }
        guard try stream.isAtEnd() else { throw mismatch("more") }
        return (dimensions, bytes)
    }
}
