// Hostile .npz archives: lying ZIP structures, deflate bombs (truthful and lying), and the
// archives past 65,535 entries that Cortex once read only in part.
import Cortex
import Foundation

extension HostileCorpus {
    static let validNpy = npy(header("(2, 3)"), data: f32([0, 1.5, 3, 4.5, 6, 7.5]))

    /// A deflated entry for a float32 array of `count` zeros, made without holding the array.
    static func zeroBomb(_ name: String, count: Int) -> ZipEntry {
        let head = npy(header("(\(count),)"))
        let total = head.count + 4 * count
        let (payload, checksum) = compress(count: total, gzip: false, level: 1) { offset, length in
            offset == 0
                ? head + [UInt8](repeating: 0, count: length - head.count) : [UInt8](repeating: 0, count: length)
        }
        return ZipEntry(name: Array(name.utf8), payload: payload, method: 8, crc: checksum, uncompressed: total)
    }

    static func npzCases() -> [HostileCase] {
        func c(
            _ name: String, _ expectation: HostileCase.Expectation, limits: ReadLimits? = nil, large: Bool = false,
            _ make: @escaping @Sendable () throws -> [UInt8]
        ) -> HostileCase {
            HostileCase(name, .npz, file: "a.npz", .bytes(make), expectation, limits: limits, large: large)
        }
        @Sendable func patched(_ entries: [ZipEntry] = [.stored("a.npy", validNpy)], _ edit: (inout ZipLayout) -> Void)
            -> [UInt8]
        {
            var layout = ZipLayout(entries)
            edit(&layout)
            return layout.bytes
        }
        typealias C = ZipLayout.Central
        typealias E = ZipLayout.End
        return [
            c("empty", .refused("not a ZIP archive")) { [] },
            c("21-bytes", .refused("not a ZIP archive")) { noise(21) },
            c("no-end-record", .refused("no end-of-central-directory")) { Array(repeating: 0x41, count: 100) },
            c("empty-archive", .accepted("arrays=0")) { ZipLayout([]).bytes },
            c("stored", .accepted("arrays=1")) { ZipLayout([.stored("a.npy", validNpy)]).bytes },
            c("deflated", .accepted("arrays=2")) {
                ZipLayout([.deflated("a.npy", validNpy), .deflated("b.npy", validNpy)]).bytes
            },
            c("count-too-high", .refused("declares 2 entries")) { patched { $0.patch16($0.end + E.count, 2) } },
            c("count-too-low", .refused("holds 1 entries but the archive declares 0")) {
                patched { $0.patch16($0.end + E.count, 0) }
            },
            c("directory-offset-past-end", .refused("lies outside the archive")) {
                patched { $0.patch32($0.end + E.offset, 0x7FFF_FFFF) }
            },
            c("directory-size-huge", .refused("lies outside the archive")) {
                patched { $0.patch32($0.end + E.size, 0xFFFF_FFF0) }
            },
            c("directory-offset-zero", .refused("bad central directory entry at offset 0")) {
                patched { $0.patch32($0.end + E.offset, 0) }
            },
            c("split-archive", .refused("split over several disks")) { patched { $0.patch16($0.end + E.disk, 1) } },
            c("local-offset-past-end", .refused("bad local header")) {
                patched { $0.patch32($0.centrals[0] + C.local, 0x7FFF_0000) }
            },
            c("local-signature", .refused("bad local header")) { patched { $0.patch32($0.locals[0], 0x1234_5678) } },
            c("size-past-end", .refused("runs past the end")) {
                patched {
                    $0.patch32($0.centrals[0] + C.compressed, 1 << 30)
                    $0.patch32($0.centrals[0] + C.uncompressed, 1 << 30)
                }
            },
            c("stored-size-mismatch", .refused("is stored with")) {
                patched { $0.patch32($0.centrals[0] + C.uncompressed, validNpy.count + 1) }
            },
            c("claims-4.1-gb-from-4-mb", .refused("add up to more than the read limit"), large: true) {
                var entry = ZipEntry.stored("a.npy", noise(4_000_000))
                entry.method = 8
                entry.uncompressed = 4_100_000_000
                return ZipLayout([entry]).bytes
            },
            c("claims-beyond-deflate-ratio", .refused("claims 10000000 bytes from")) {
                var entry = ZipEntry.deflated("a.npy", validNpy)
                entry.uncompressed = 10_000_000
                return ZipLayout([entry]).bytes
            },
            c("truthful-bomb-1-gib", .refused("add up to more than the read limit"), large: true) {
                ZipLayout([zeroBomb("a.npy", count: 1 << 28)]).bytes
            },
            c("lying-bomb-900-mb", .refused("holds 1000128 bytes, expected 900000000"), large: true) {
                var entry = ZipEntry.deflated("a.npy", npy(header("(1000000,)", descr: "|u1"), data: noise(1_000_000)))
                entry.uncompressed = 900_000_000
                return ZipLayout([entry]).bytes
            },
            c("lying-truncated-deflate", .refused("truncated deflate data"), large: true) {
                var entry = ZipEntry.deflated("a.npy", npy(header("(100000,)", descr: "|u1"), data: noise(100_000)))
                entry.payload = Array(entry.payload.prefix(50_000))
                entry.uncompressed = 50_000_000
                return ZipLayout([entry]).bytes
            },
            c("inflates-past-declared", .refused("inflates to more than its declared 10 bytes")) {
                var entry = ZipEntry.deflated("a.npy", validNpy)
                entry.uncompressed = 10
                return ZipLayout([entry]).bytes
            },
            c("corrupt-deflate", .refused("corrupt deflate data")) {
                var entry = ZipEntry.stored("a.npy", Array(repeating: 0xFF, count: 100))
                entry.method = 8
                entry.uncompressed = 200
                return ZipLayout([entry]).bytes
            },
            c("crc", .refused("fails its CRC check")) { patched { $0.patch32($0.centrals[0] + C.crc, 0xDEAD_BEEF) } },
            c("encrypted", .refused("is encrypted")) { patched { $0.patch16($0.centrals[0] + C.flags, 1) } },
            c("method-12", .refused("unsupported compression method 12")) {
                patched { $0.patch16($0.centrals[0] + C.method, 12) }
            },
            c("name-not-utf8", .refused("entry name is not UTF-8")) {
                var entry = ZipEntry.stored("a.npy", validNpy)
                entry.name = [0xFF, 0xFE, 0x2E]
                return ZipLayout([entry]).bytes
            },
            c("duplicate-name", .refused("duplicate array a")) {
                ZipLayout([.stored("a.npy", validNpy), .stored("a.npy", validNpy)]).bytes
            },
            c("entry-not-npy", .refused("not a .npy file")) { ZipLayout([.stored("a.npy", noise(64))]).bytes },
            c("entry-bad-npy", .refused("needs 24 data bytes")) {
                ZipLayout([.stored("a.npy", Array(validNpy.dropLast()))]).bytes
            },
            c("overlapping-entries", .refused("overlaps another entry")) {
                patched([.stored("a.npy", validNpy), .stored("b.npy", validNpy)]) {
                    $0.patch32($0.centrals[1] + C.local, 0)
                }
            },
            c("name-length-past-directory", .refused("truncated central directory")) {
                patched { $0.patch16($0.centrals[0] + C.nameLength, 4000) }
            },
            c("extra-field-overflows", .refused("malformed extra field")) {
                patched {
                    // Claim a 4-byte extra field that itself claims 200 bytes: the name's last bytes become it.
                    $0.patch16($0.centrals[0] + C.nameLength, 1)
                    $0.patch16($0.centrals[0] + C.extraLength, 4)
                    $0.bytes[$0.centrals[0] + 47] = 0x01
                    $0.bytes[$0.centrals[0] + 48] = 0x00
                    $0.bytes[$0.centrals[0] + 49] = 200
                    $0.bytes[$0.centrals[0] + 50] = 0
                }
            },
            c("zip64-field-short", .refused("short ZIP64 field")) {
                patched {
                    $0.patch32($0.centrals[0] + C.uncompressed, 0xFFFF_FFFF)
                    $0.patch16($0.centrals[0] + C.nameLength, 1)
                    $0.patch16($0.centrals[0] + C.extraLength, 4)
                    $0.bytes[$0.centrals[0] + 47] = 0x01
                    $0.bytes[$0.centrals[0] + 48] = 0x00
                    $0.bytes[$0.centrals[0] + 49] = 0
                    $0.bytes[$0.centrals[0] + 50] = 0
                }
            },
            c("truncated-end", .refused("no end-of-central-directory")) {
                Array(ZipLayout([.stored("a.npy", validNpy)]).bytes.dropLast(10))
            },
            c("zip64-locator-outside", .refused("bad ZIP64 end-of-central-directory record")) {
                zip64Tail(record: 1 << 40, count: 1)
            },
            c("zip64-huge-offset", .refused("ZIP64 size or offset out of range")) {
                zip64Tail(record: 1 << 62, count: 1)
            },
            c("zip64-count-2^40", .refused("declares 1099511627776 entries")) {
                zip64Tail(record: nil, count: 1 << 40)
            },
            c("65537-entries-without-zip64", .accepted("arrays=65537"), large: true) {
                ZipLayout((0..<65_537).map { .stored("a\($0).npy", validNpy) }).bytes
            },
            c("65535-entries-written-by-cortex", .accepted("arrays=65535"), large: true) {
                try writtenByCortex((0..<65_535).map { ("a\($0)", Tensor([1, 2])) })
            },
            c(
                "bomb-above-lowered-limit", .refused("read limit of 1048576"),
                limits: ReadLimits(maximumBytes: 1 << 20), large: true
            ) {
                ZipLayout([zeroBomb("a.npy", count: 1 << 19)]).bytes
            },
            c(
                "bomb-within-lowered-limit", .accepted("arrays=1"), limits: ReadLimits(maximumBytes: 4 << 20),
                large: true
            ) {
                ZipLayout([zeroBomb("a.npy", count: 1 << 19)]).bytes
            },
            c("elements-over-entries", .refused("above the read limit of 4"), limits: ReadLimits(maximumElements: 10)) {
                ZipLayout([.stored("a.npy", validNpy), .stored("b.npy", validNpy)]).bytes
            },
            c("fake-end-record-in-comment", .refused("central directory")) {
                var fake: [UInt8] = []
                fake.le32(0x0605_4B50)
                fake += [0, 0, 0, 0, 1, 0, 1, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0]
                return ZipLayout([.stored("a.npy", validNpy)], comment: fake).bytes
            },
        ]
    }

    /// An end record with a ZIP64 locator in front, pointing at `record` (or at a ZIP64 end
    /// record written here, declaring `count` entries).
    static func zip64Tail(record: Int?, count: Int) -> [UInt8] {
        // A 46-byte stand-in for a central directory, then the ZIP64 end record.
        var out = [UInt8](repeating: 0, count: 46)
        let recordOffset = out.count
        if record == nil {
            out.le32(0x0606_4B50); out.le64(44); out.le16(45); out.le16(45); out.le32(0); out.le32(0)
            out.le64(UInt64(count)); out.le64(UInt64(count)); out.le64(46); out.le64(0)
        }
        out.le32(0x0706_4B50); out.le32(0); out.le64(UInt64(record ?? recordOffset)); out.le32(1)
        out.le32(0x0605_4B50); out.le16(0); out.le16(0); out.le16(0xFFFF); out.le16(0xFFFF)
        out.le32(0xFFFF_FFFF); out.le32(0xFFFF_FFFF); out.le16(0)
        return out
    }

    /// The bytes of an archive written by `NumPy.saveArchive`.
    static func writtenByCortex(_ arrays: [(String, Tensor)]) throws -> [UInt8] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString).npz")
        defer { try? FileManager.default.removeItem(at: url) }
        try NumPy.saveArchive(arrays, to: url)
        return [UInt8](try Data(contentsOf: url))
    }
}
