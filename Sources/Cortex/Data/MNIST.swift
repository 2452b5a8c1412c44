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

    /// Parses an unsigned-byte IDX file: magic `0x00 0x00 0x08 rank`, big-endian dimensions, data.
    static func readIDX(_ url: URL, expectedRank: Int) throws -> (dimensions: [Int], bytes: [UInt8]) {
        let data = try readPossiblyCompressedFile(at: url)
        let file = url.lastPathComponent
        guard data.count >= 4 else {
            throw CortexError(.invalidFile, "\(file): \(data.count) bytes is too short for an IDX header")
        }
        guard data[0] == 0, data[1] == 0, data[2] == 0x08 else {
            throw CortexError(
                .invalidFile,
                "\(file): bad magic number \(data[0..<4].map { String(format: "%02x", $0) }.joined()), expected 000008\(String(format: "%02x", expectedRank)) (unsigned-byte IDX)"
            )
        }
        guard Int(data[3]) == expectedRank else {
            throw CortexError(.invalidFile, "\(file): IDX rank \(data[3]), expected \(expectedRank)")
        }
        let headerSize = 4 + 4 * expectedRank
        guard data.count >= headerSize else { throw CortexError(.invalidFile, "\(file): truncated IDX header") }
        let dimensions = (0..<expectedRank).map { i in
            (0..<4).reduce(0) { $0 << 8 | Int(data[4 + 4 * i + $1]) }
        }
        let expected = dimensions.reduce(1, *)
        guard data.count - headerSize == expected else {
            throw CortexError(
                .invalidFile,
                "\(file): dimensions \(dimensions) need \(expected) data bytes but the file has \(data.count - headerSize)"
            )
        }
        return (dimensions, Array(data[headerSize...]))
    }
}
