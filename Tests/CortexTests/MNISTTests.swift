import Foundation
import HostileFiles
import Testing

@testable import Cortex

@Suite struct MNISTTests {
    @Test func bundledSubsetLoads() {
        #expect(mnist.train.images.shape == [4000, 28, 28, 1])
        #expect(mnist.test.images.shape == [1000, 28, 28, 1])
        let pixels = mnist.train.images.scalars
        #expect(pixels.min()! == 0 && pixels.max()! == 1)
        var counts = [Int](repeating: 0, count: 10)
        for label in mnist.test.labels.scalars { counts[Int(label)] += 1 }
        #expect(counts == [Int](repeating: 100, count: 10))
    }

    func writeIDX(_ bytes: [UInt8], name: String, in directory: URL) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    @Test func plainFilesLoadAndBadFilesAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cortex-mnist-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2] + [0, 255, 51, 102, 1, 2, 3, 4]
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 7, 3]
        for prefix in ["train", "t10k"] {
            try writeIDX(images, name: "\(prefix)-images-idx3-ubyte", in: directory)
            try writeIDX(labels, name: "\(prefix)-labels-idx1-ubyte", in: directory)
        }
        let (train, _) = try MNIST.load(directory: directory)
        #expect(train.images.shape == [2, 2, 2, 1])
        #expect(train.images.scalars[1] == 1 && train.images.scalars[2] == 0.2)
        #expect(train.labels.scalars == [7, 3])

        func expectRefusal(_ bytes: [UInt8], _ name: String, _ message: String) throws {
            try writeIDX(bytes, name: name, in: directory)
            #expect { try MNIST.load(directory: directory) } throws: { error in
                (error as? CortexError)?.description.contains(message) ?? false
            }
            try writeIDX(name.contains("images") ? images : labels, name: name, in: directory)
        }
        try expectRefusal([0, 0, 8, 1] + Array(images[4...]), "train-images-idx3-ubyte", "IDX rank 1")
        try expectRefusal([1, 2, 3, 4] + Array(labels[4...]), "train-labels-idx1-ubyte", "bad magic number")
        try expectRefusal(Array(images.dropLast()), "train-images-idx3-ubyte", "need 8 data bytes but the file has 7")
        try expectRefusal(
            [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3], "train-labels-idx1-ubyte", "labels has 3 rows but images has 2")
        try expectRefusal([0, 0, 8, 1, 0, 0, 0, 2, 1, 12], "t10k-labels-idx1-ubyte", "label 12")
        try expectRefusal([0, 0], "t10k-labels-idx1-ubyte", "too short")
        try FileManager.default.removeItem(at: directory.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect(throws: CortexError.self) { try MNIST.load(directory: directory) }
    }

    /// Issue 19, item 2: dimensions whose product overflows (FFFFFFFF x FFFFFFFF x FFFFFFFF in a
    /// 16-byte file) are refused before anything is allocated, plain or gzipped.
    @Test func overflowingDimensionsAreRefused() throws {
        let directory = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try writeValidSet(in: directory)
        for (name, bytes) in [
            ("train-images-idx3-ubyte", [0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12)),
            ("train-labels-idx1-ubyte", [0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF]),
        ] {
            try writeIDX(bytes, name: name, in: directory)
            #expect { try MNIST.load(directory: directory) } throws: {
                ($0 as? CortexError)?.description.contains("exceed the read limit") ?? false
            }
            try writeIDX(gzip(bytes), name: name + ".gz", in: directory)
            #expect { try MNIST.load(directory: directory) } throws: {
                ($0 as? CortexError)?.description.contains("exceed the read limit") ?? false
            }
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name + ".gz"))
            try writeValidSet(in: directory)
        }
    }

    /// Issue 19, items 4 and 10: a truncated gzip stream is reported as truncated; a gzip file
    /// declaring more data than it holds is refused after reading what it holds; a device
    /// linked in as a data file is refused before it is read.
    @Test func gzipAndSpecialFilesAreRefusedPrecisely() throws {
        let directory = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try writeValidSet(in: directory)
        let name = "train-images-idx3-ubyte"
        let images = try Data(contentsOf: directory.appendingPathComponent(name))
        let compressed = gzip([UInt8](images))
        try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        try writeIDX(compressed, name: name + ".gz", in: directory)
        #expect(try MNIST.load(directory: directory).train.images.shape == [2, 2, 2, 1])
        for (bytes, message) in [
            (Array(compressed.dropLast(6)), "truncated gzip stream"),
            (
                gzip([0, 0, 8, 3, 0, 0, 0, 200, 0, 0, 1, 0, 0, 0, 1, 0] + [UInt8](repeating: 7, count: 1000)),
                "need 13107200 data bytes but the file has 1000"
            ),
        ] {
            try writeIDX(bytes, name: name + ".gz", in: directory)
            #expect { try MNIST.load(directory: directory) } throws: {
                ($0 as? CortexError)?.description.contains(message) ?? false
            }
        }
        try FileManager.default.removeItem(at: directory.appendingPathComponent(name + ".gz"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent(name).path, withDestinationPath: "/dev/zero")
        #expect { try MNIST.load(directory: directory) } throws: {
            ($0 as? CortexError)?.description.contains("is a character device, not a regular file") ?? false
        }
    }

    func writeValidSet(in directory: URL) throws {
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2] + [0, 255, 51, 102, 1, 2, 3, 4]
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 7, 3]
        for prefix in ["train", "t10k"] {
            try writeIDX(images, name: "\(prefix)-images-idx3-ubyte", in: directory)
            try writeIDX(labels, name: "\(prefix)-labels-idx1-ubyte", in: directory)
        }
    }
}
