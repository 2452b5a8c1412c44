import CZlib
import Foundation

/// Just enough of the ZIP format for NumPy's `.npz` archives: reading stored and deflated
/// entries (ZIP64 included), writing stored entries (ZIP64 when an archive needs it).
///
/// The reader checks the whole central directory before it inflates anything: every offset and
/// size against the file, entries that overlap, the entry count against the directory's size,
/// and the sum of the declared uncompressed sizes against ``ReadLimits/maximumBytes``. Each
/// entry is then inflated into exactly its declared size (a deflate stream that would produce
/// more is refused) and its CRC checked.
enum ZipArchive {
    /// One central-directory record.
    private struct Entry {
        let name: String
        let method: Int
        let crc: UInt32
        let compressed: Int
        let uncompressed: Int
        let local: Int
        let dataStart: Int
    }

    /// Calls `body` with each entry's name and bytes in directory order, one entry in memory at
    /// a time; `source` names the archive in errors.
    static func forEachEntry(
        in bytes: [UInt8], source: String, limits: ReadLimits, _ body: (String, [UInt8]) throws -> Void
    ) throws {
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(source): \(message)") }
        for entry in try directory(bytes, fail: fail, limits: limits) {
            let data: [UInt8]
            switch entry.method {
            case 0: data = Array(bytes[entry.dataStart..<(entry.dataStart + entry.compressed)])
            default: data = try inflate(bytes, entry, fail: fail)
            }
            guard checksum(data) == entry.crc else { throw fail("\(entry.name) fails its CRC check (corrupt)") }
            try body(entry.name, data)
        }
    }

    private static func directory(
        _ bytes: [UInt8], fail: (String) -> CortexError, limits: ReadLimits
    ) throws -> [Entry] {
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at <= bytes.count - 2 else { throw fail("truncated ZIP structure") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int { try u16(at) | (try u16(at + 2)) << 16 }
        func u64(_ at: Int) throws -> Int {
            let low = try u32(at), high = try u32(at + 4)
            // Offsets and sizes beyond 2^62 cannot describe a file: refusing them keeps sums exact.
            guard high < 1 << 30 else { throw fail("ZIP64 size or offset out of range") }
            return low | high << 32
        }
        // The end-of-central-directory record sits in the last 22 + 65535 bytes.
        guard bytes.count >= 22 else { throw fail("not a ZIP archive (\(bytes.count) bytes)") }
        var end = -1
        var position = bytes.count - 22
        while position >= Swift.max(0, bytes.count - 22 - 65_535) {
            if try u32(position) == 0x0605_4B50 {
                end = position
                break
            }
            position -= 1
        }
        guard end >= 0 else { throw fail("not a ZIP archive (no end-of-central-directory record)") }
        let disk = try u16(end + 4), directoryDisk = try u16(end + 6)
        var count = try u16(end + 10)
        var directorySize = try u32(end + 12)
        var directoryOffset = try u32(end + 16)
        var directoryEnd = end
        var isZip64 = false
        if end >= 20, try u32(end - 20) == 0x0706_4B50 {
            // ZIP64: the locator just before the record points to the ZIP64 end record.
            let record = try u64(end - 12)
            guard record <= end - 20 - 56, try u32(record) == 0x0606_4B50 else {
                throw fail("bad ZIP64 end-of-central-directory record")
            }
            guard try u32(end - 16) == 0, try u32(end - 4) <= 1, try u32(record + 16) == 0, try u32(record + 20) == 0
            else { throw fail("archives split over several disks are not supported") }
            count = try u64(record + 32)
            directorySize = try u64(record + 40)
            directoryOffset = try u64(record + 48)
            directoryEnd = record
            isZip64 = true
        } else {
            guard disk == 0, directoryDisk == 0 else {
                throw fail("archives split over several disks are not supported")
            }
        }
        guard directoryOffset <= directoryEnd, directorySize <= directoryEnd - directoryOffset else {
            throw fail("central directory (\(directorySize) bytes at \(directoryOffset)) lies outside the archive")
        }
        // A directory record takes at least 46 bytes.
        guard count <= directorySize / 46 else {
            throw fail("declares \(count) entries in a \(directorySize)-byte central directory")
        }
        var entries: [Entry] = []
        var cursor = directoryOffset
        let limit = directoryOffset + directorySize
        var declaredTotal = 0
        while cursor < limit {
            guard cursor <= limit - 46, try u32(cursor) == 0x0201_4B50 else {
                throw fail("bad central directory entry at offset \(cursor)")
            }
            let flags = try u16(cursor + 8)
            let method = try u16(cursor + 10)
            let crc = UInt32(try u32(cursor + 16))
            var compressed = try u32(cursor + 20), uncompressed = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28), extraLength = try u16(cursor + 30)
            let commentLength = try u16(cursor + 32)
            var local = try u32(cursor + 42)
            let recordEnd = cursor + 46 + nameLength + extraLength + commentLength
            guard recordEnd <= limit else { throw fail("truncated central directory") }
            guard let name = String(validating: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            else { throw fail("entry name is not UTF-8") }
            // ZIP64 extra field: the 64-bit values of whichever fields hold 0xFFFFFFFF, in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), size = try u16(extra + 2)
                guard extra + 4 + size <= extraEnd else { throw fail("\(name) has a malformed extra field") }
                if id == 0x0001 {
                    var field = extra + 4
                    func next() throws -> Int {
                        guard field + 8 <= extra + 4 + size else { throw fail("\(name) has a short ZIP64 field") }
                        defer { field += 8 }
                        return try u64(field)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if local == 0xFFFF_FFFF { local = try next() }
                }
                extra += 4 + size
            }
            guard flags & 1 == 0 else { throw fail("\(name) is encrypted") }
            guard method == 0 || method == 8 else {
                throw fail("\(name) uses unsupported compression method \(method)")
            }
            guard local <= bytes.count - 30, try u32(local) == 0x0403_4B50 else {
                throw fail("bad local header for \(name)")
            }
            let dataStart = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard dataStart <= bytes.count, compressed <= bytes.count - dataStart else {
                throw fail("\(name) runs past the end of the archive")
            }
            if method == 0 {
                guard compressed == uncompressed else {
                    throw fail("\(name) is stored with \(compressed) bytes but declares \(uncompressed)")
                }
            } else {
                // Deflate expands at most ~1032:1; a larger claimed size is corrupt.
                guard uncompressed / 1032 <= compressed + 1 else {
                    throw fail("\(name) claims \(uncompressed) bytes from \(compressed) compressed bytes")
                }
            }
            guard uncompressed <= limits.maximumBytes - declaredTotal else {
                throw fail(
                    "entries add up to more than the read limit of \(limits.maximumBytes) bytes (\(ReadLimits.raiseHint("maximumBytes")))"
                )
            }
            declaredTotal += uncompressed
            entries.append(
                Entry(
                    name: name, method: method, crc: crc, compressed: compressed, uncompressed: uncompressed,
                    local: local, dataStart: dataStart))
            cursor = recordEnd
        }
        // Writers without ZIP64 (Cortex before it had it, among others) store the count modulo 2^16.
        guard entries.count == count || (!isZip64 && entries.count % 65_536 == count) else {
            throw fail("central directory holds \(entries.count) entries but the archive declares \(count)")
        }
        // Entries that share data are a known way to multiply what a small archive expands to.
        var previousEnd = 0
        for entry in entries.sorted(by: { $0.local < $1.local }) {
            guard entry.local >= previousEnd else { throw fail("\(entry.name) overlaps another entry") }
            previousEnd = entry.dataStart + entry.compressed
        }
        guard previousEnd <= directoryOffset else { throw fail("entry data overlaps the central directory") }
        return entries
    }

    /// Inflates a deflated entry into exactly its declared size.
    private static func inflate(_ bytes: [UInt8], _ entry: Entry, fail: (String) -> CortexError) throws -> [UInt8] {
        var stream = z_stream()
        // Raw deflate data (negative window bits): ZIP entries have no zlib header.
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("cannot initialize zlib")
        }
        defer { inflateEnd(&stream) }
        // One byte of room past the declared size shows a stream that holds more.
        let capacity = entry.uncompressed + 1
        var status = Z_OK
        var produced = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
            bytes.withUnsafeBufferPointer { input in
                let start = UnsafeMutablePointer(mutating: input.baseAddress!) + entry.dataStart
                var consumed = 0
                while true {
                    if stream.avail_in == 0 && consumed < entry.compressed {
                        let n = Swift.min(entry.compressed - consumed, 1 << 30)
                        stream.next_in = start + consumed
                        stream.avail_in = UInt32(n)
                        consumed += n
                    }
                    if stream.avail_out == 0 {
                        guard produced < capacity else { break }
                        stream.next_out = out.baseAddress! + produced
                        stream.avail_out = UInt32(Swift.min(capacity - produced, 1 << 30))
                    }
                    let before = stream.avail_out
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    if status != Z_OK { break }
                }
            }
            initialized = produced
        }
        guard produced <= entry.uncompressed else {
            throw fail("\(entry.name) inflates to more than its declared \(entry.uncompressed) bytes")
        }
        guard status == Z_STREAM_END else {
            throw fail(
                status == Z_BUF_ERROR
                    ? "\(entry.name) has truncated deflate data (\(produced) of \(entry.uncompressed) bytes)"
                    : "\(entry.name) has corrupt deflate data")
        }
        guard produced == entry.uncompressed else {
            throw fail("\(entry.name) holds \(produced) bytes, expected \(entry.uncompressed)")
        }
        return output
    }

    /// A stored (uncompressed) archive of `entries`. ZIP64 records are written when there are
    /// 65,535 entries or more, or an entry, offset or the directory reaches 4 GiB (or always,
    /// with `forceZip64`, for tests); NumPy and Python's `zipfile` read them.
    static func write(_ entries: [(String, [UInt8])], forceZip64: Bool = false) throws -> [UInt8] {
        let limit = 0xFFFF_FFFF
        var out: [UInt8] = [], central: [UInt8] = []
        // Room for everything at once: an archive of gigabytes is not copied while it grows.
        out.reserveCapacity(entries.reduce(200) { $0 + 2 * $1.0.utf8.count + $1.1.count + 140 })
        func put16(_ v: Int, _ to: inout [UInt8]) { to += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func put32(_ v: Int, _ to: inout [UInt8]) { put16(v & 0xFFFF, &to); put16(v >> 16 & 0xFFFF, &to) }
        func put64(_ v: Int, _ to: inout [UInt8]) { put32(v & 0xFFFF_FFFF, &to); put32(v >> 32, &to) }
        for (name, data) in entries {
            let nameBytes = Array(name.utf8)
            guard nameBytes.count <= 0xFFFF else {
                throw CortexError(
                    .invalidArgument, "ZIP entry names are at most 65,535 bytes, got one of \(nameBytes.count)")
            }
            let crc = Int(checksum(data)), offset = out.count
            let bigSize = forceZip64 || data.count >= limit, bigOffset = forceZip64 || offset >= limit
            let version = bigSize || bigOffset ? 45 : 20
            // Bit 11: the name is UTF-8 (Python decodes it as code page 437 otherwise).
            let flags = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x800
            var localExtra: [UInt8] = []
            if bigSize {
                put16(1, &localExtra); put16(16, &localExtra); put64(data.count, &localExtra)
                put64(data.count, &localExtra)
            }
            put32(0x0403_4B50, &out); put16(version, &out); put16(flags, &out); put16(0, &out); put16(0, &out)
            put16(0x21, &out); put32(crc, &out)
            put32(bigSize ? limit : data.count, &out); put32(bigSize ? limit : data.count, &out)
            put16(nameBytes.count, &out); put16(localExtra.count, &out)
            out += nameBytes
            out += localExtra
            out += data
            var centralExtra: [UInt8] = []
            if bigSize || bigOffset {
                put16(1, &centralExtra); put16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0), &centralExtra)
                if bigSize { put64(data.count, &centralExtra); put64(data.count, &centralExtra) }
                if bigOffset { put64(offset, &centralExtra) }
            }
            put32(0x0201_4B50, &central); put16(version, &central); put16(version, &central); put16(flags, &central)
            put16(0, &central); put16(0, &central); put16(0x21, &central); put32(crc, &central)
            put32(bigSize ? limit : data.count, &central); put32(bigSize ? limit : data.count, &central)
            put16(nameBytes.count, &central); put16(centralExtra.count, &central); put16(0, &central)
            put16(0, &central); put16(0, &central); put32(0, &central); put32(bigOffset ? limit : offset, &central)
            central += nameBytes
            central += centralExtra
        }
        let directoryOffset = out.count
        out += central
        let zip64 = forceZip64 || entries.count >= 0xFFFF || central.count >= limit || directoryOffset >= limit
        if zip64 {
            let record = out.count
            put32(0x0606_4B50, &out); put64(44, &out); put16(45, &out); put16(45, &out); put32(0, &out)
            put32(0, &out); put64(entries.count, &out); put64(entries.count, &out); put64(central.count, &out)
            put64(directoryOffset, &out)
            put32(0x0706_4B50, &out); put32(0, &out); put64(record, &out); put32(1, &out)
        }
        let count = zip64 ? 0xFFFF : entries.count
        put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out); put16(count, &out); put16(count, &out)
        put32(zip64 ? limit : central.count, &out); put32(zip64 ? limit : directoryOffset, &out); put16(0, &out)
        return out
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { buffer in
            // zlib's crc32 takes a 32-bit length: feed it in pieces.
            var crc: UInt = 0
            var offset = 0
            repeat {
                let n = Swift.min(buffer.count - offset, 1 << 30)
                crc = crc32(crc, buffer.baseAddress.map { $0 + offset }, UInt32(n))
                offset += n
            } while offset < buffer.count
            return UInt32(crc)
        }
    }
}
