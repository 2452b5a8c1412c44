// A ZIP writer for hostile archives: it records where every field lies, so that cases can
// build a valid archive and then make one field lie.
import Foundation

/// One entry as it will be written: its payload as stored (deflated or not) and what the
/// headers declare.
struct ZipEntry {
    var name: [UInt8]
    var payload: [UInt8]
    var method = 0
    var crc: UInt32
    var uncompressed: Int
    var flags = 0

    /// A stored entry holding `data`.
    static func stored(_ name: String, _ data: [UInt8]) -> ZipEntry {
        ZipEntry(name: Array(name.utf8), payload: data, crc: crc32Of(data), uncompressed: data.count)
    }

    /// A deflated entry holding `data`.
    static func deflated(_ name: String, _ data: [UInt8]) -> ZipEntry {
        ZipEntry(
            name: Array(name.utf8), payload: compress(data, gzip: false), method: 8, crc: crc32Of(data),
            uncompressed: data.count)
    }
}

/// An archive and the offsets of its structures.
struct ZipLayout {
    var bytes: [UInt8]
    var locals: [Int] = []
    var centrals: [Int] = []
    var directoryOffset = 0
    var end = 0

    mutating func patch16(_ at: Int, _ v: Int) {
        bytes[at] = UInt8(v & 0xFF)
        bytes[at + 1] = UInt8(v >> 8 & 0xFF)
    }

    mutating func patch32(_ at: Int, _ v: Int) {
        patch16(at, v & 0xFFFF)
        patch16(at + 2, v >> 16 & 0xFFFF)
    }

    /// Builds a single-disk archive without ZIP64 records; `comment` follows the end record.
    init(_ entries: [ZipEntry], comment: [UInt8] = [], zip64Count: Bool = false) {
        bytes = []
        var central: [(Int, ZipEntry)] = []
        for entry in entries {
            locals.append(bytes.count)
            central.append((bytes.count, entry))
            bytes.le32(0x0403_4B50); bytes.le16(20); bytes.le16(entry.flags); bytes.le16(entry.method)
            bytes.le16(0); bytes.le16(0x21); bytes.le32(Int(entry.crc)); bytes.le32(entry.payload.count)
            bytes.le32(entry.uncompressed); bytes.le16(entry.name.count); bytes.le16(0)
            bytes += entry.name
            bytes += entry.payload
        }
        directoryOffset = bytes.count
        for (offset, entry) in central {
            centrals.append(bytes.count)
            bytes.le32(0x0201_4B50); bytes.le16(20); bytes.le16(20); bytes.le16(entry.flags); bytes.le16(entry.method)
            bytes.le16(0); bytes.le16(0x21); bytes.le32(Int(entry.crc)); bytes.le32(entry.payload.count)
            bytes.le32(entry.uncompressed); bytes.le16(entry.name.count); bytes.le16(0); bytes.le16(0)
            bytes.le16(0); bytes.le16(0); bytes.le32(0); bytes.le32(offset)
            bytes += entry.name
        }
        let directorySize = bytes.count - directoryOffset
        end = bytes.count
        bytes.le32(0x0605_4B50); bytes.le16(0); bytes.le16(0)
        bytes.le16(entries.count & 0xFFFF); bytes.le16(entries.count & 0xFFFF)
        bytes.le32(directorySize); bytes.le32(directoryOffset); bytes.le16(comment.count)
        bytes += comment
    }

    /// Field offsets within a central record and the end record.
    enum Central {
        static let flags = 8, method = 10, crc = 16, compressed = 20, uncompressed = 24, nameLength = 28
        static let extraLength = 30, local = 42
    }

    enum End {
        static let disk = 4, entriesOnDisk = 8, count = 10, size = 12, offset = 16
    }
}
