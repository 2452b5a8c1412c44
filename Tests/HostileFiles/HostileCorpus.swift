// The hostile-file corpus: every case that the corpus test and the fuzz seeds use, gathered
// from one file per reader.
import Cortex
import Foundation

public enum HostileCorpus {
    /// Every case, in a stable order.
    public static func cases() -> [HostileCase] {
        npyCases() + npzCases() + safetensorsCases() + checkpointCases() + idxCases() + csvCases()
            + specialFileCases()
    }

    /// FIFOs, devices and directories where each reader expects a regular file.
    static func specialFileCases() -> [HostileCase] {
        let files: [(HostileCase.Reader, String)] = [
            (.npy, "a.npy"), (.npz, "a.npz"), (.safetensors, "w.safetensors"), (.checkpoint, "c.ckpt"),
            (.idx, "train-images-idx3-ubyte"), (.csv, "t.csv"),
        ]
        var cases: [HostileCase] = []
        for (reader, file) in files {
            cases.append(HostileCase("fifo", reader, file: file, .fifo, .refused("is a FIFO, not a regular file")))
            cases.append(
                HostileCase("dev-zero", reader, file: file, .link("/dev/zero"), .refused("a character device")))
            cases.append(HostileCase("directory", reader, file: file, .directory, .refused("is a directory")))
        }
        cases.append(
            HostileCase("dev-urandom", .csv, file: "t.csv", .link("/dev/urandom"), .refused("character device")))
        cases.append(HostileCase("dev-null", .npy, file: "a.npy", .link("/dev/null"), .refused("character device")))
        cases.append(
            HostileCase("dev-zero-gz", .idx, file: "train-labels-idx1-ubyte.gz", .link("/dev/zero"), .refused("device"))
        )
        cases.append(HostileCase("missing", .csv, file: "t.csv", .missing, .refused("no such file")))
        cases.append(
            HostileCase("dangling-link", .npy, file: "a.npy", .link("/nonexistent/x"), .refused("no such file")))
        return cases
    }
}

/// Deterministic bytes that do not compress.
func noise(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

extension HostileCorpus {
    /// Seed inputs for fuzzing `reader` (`npy`, `npz`, `safetensors`, `checkpoint`, `idx`,
    /// `idx-gz` or `csv`): the corpus's small files for it and valid files, large enough to
    /// reach every size field.
    public static func seeds(for reader: String) throws -> [[UInt8]] {
        let wanted: (HostileCase) -> Bool =
            switch reader {
            case "idx": { $0.reader == .idx && !$0.file.hasSuffix(".gz") }
            case "idx-gz": { $0.reader == .idx && $0.file.hasSuffix(".gz") }
            default: { $0.reader.rawValue == reader }
            }
        var seeds: [[UInt8]] = []
        for hostile in cases() where wanted(hostile) && !hostile.large {
            if case .bytes(let make) = hostile.content { seeds.append(try make()) }
        }
        switch reader {
        case "idx": seeds += [IDXFiles.images(Array(repeating: 9, count: 3), data: noise(729))]
        case "idx-gz": seeds += [compress(IDXFiles.images([10, 28, 28], data: noise(7840, seed: 3)), gzip: true)]
        case "csv":
            seeds.append(
                Array(
                    ("x,y,target\n" + (0..<200).map { "\($0),\(Float($0) / 7),\($0 % 3)" }.joined(separator: "\n")).utf8
                ))
        case "npz":
            seeds.append(try writtenByCortex([("a", Tensor(zeros: [4, 5])), ("b", Tensor([1, 2, 3]))]))
            seeds.append(ZipLayout([.deflated("a.npy", validNpy), .stored("b.npy", validNpy)]).bytes)
        default: break
        }
        return seeds
    }
}
