// One hostile input for one reader: how to make it, and what the reader must do with it.
import Cortex
import Foundation

/// A file (or special file) that one Cortex reader is given, and the outcome required of it.
public struct HostileCase: Sendable, CustomStringConvertible {
    /// The reader under test, as `ReadProbe` names it.
    public enum Reader: String, Sendable {
        case npy, npz, safetensors, checkpoint, idx, csv
    }

    /// What is put at the path the reader gets.
    public enum Content: Sendable {
        /// A regular file with these bytes (made when the case runs, so none are committed).
        case bytes(@Sendable () throws -> [UInt8])
        /// A FIFO with no writer.
        case fifo
        /// A symbolic link to an existing path (such as `/dev/zero`).
        case link(String)
        /// A directory.
        case directory
        /// Nothing (a missing file).
        case missing
    }

    /// The outcome required.
    public enum Expectation: Sendable {
        /// A thrown CortexError whose message contains this text.
        case refused(String)
        /// A documented accept; the reader's summary (`shape=[2]`, `arrays=3`, ...) contains this text.
        case accepted(String)
    }

    public let name: String
    public let reader: Reader
    /// The file name; for IDX, the name within the data-set folder that gets the content.
    public let file: String
    public let content: Content
    public let expectation: Expectation
    /// Limits to read under instead of the defaults.
    public let limits: ReadLimits?
    /// The optimizer the probe model is compiled with (weights and checkpoints).
    public let optimizer: ProbeModel.OptimizerKind
    /// Whether the file is megabytes or more (or slow to make): such cases are not fuzz seeds.
    public let large: Bool

    public init(
        _ name: String, _ reader: Reader, file: String, _ content: Content, _ expectation: Expectation,
        limits: ReadLimits? = nil, optimizer: ProbeModel.OptimizerKind = .adam, large: Bool = false
    ) {
        self.name = name
        self.reader = reader
        self.file = file
        self.content = content
        self.expectation = expectation
        self.limits = limits
        self.optimizer = optimizer
        self.large = large
    }

    public var description: String { "\(reader.rawValue)/\(name)" }

    /// Creates the case's file in a fresh folder under `folder` and returns the path to give
    /// the reader (for IDX, the data-set folder, completed with valid files).
    public func materialize(in folder: URL) throws -> URL {
        let caseFolder = folder.appendingPathComponent(
            description.map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce("") { $0 + String($1) })
        try FileManager.default.createDirectory(at: caseFolder, withIntermediateDirectories: true)
        let target = caseFolder.appendingPathComponent(file)
        if reader == .idx {
            let base = file.hasSuffix(".gz") ? String(file.dropLast(3)) : file
            for (name, bytes) in IDXFiles.validSet where name != base {
                try Data(bytes).write(to: caseFolder.appendingPathComponent(name))
            }
        }
        switch content {
        case .bytes(let make): try Data(try make()).write(to: target)
        case .fifo:
            guard mkfifo(target.path, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
        case .link(let destination):
            try FileManager.default.createSymbolicLink(atPath: target.path, withDestinationPath: destination)
        case .directory: try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        case .missing: break
        }
        return reader == .idx ? caseFolder : target
    }
}

/// A valid MNIST-format set: two 2x2 images and two labels, for training and test.
enum IDXFiles {
    static let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2] + [0, 255, 51, 102, 1, 2, 3, 4]
    static let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 7, 3]
    static let validSet: [(String, [UInt8])] = [
        ("train-images-idx3-ubyte", images), ("train-labels-idx1-ubyte", labels),
        ("t10k-images-idx3-ubyte", images), ("t10k-labels-idx1-ubyte", labels),
    ]

    /// An images file with these dimensions and data.
    static func images(_ dimensions: [UInt32], data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for d in dimensions { out.be32(d) }
        return out + data
    }
}
