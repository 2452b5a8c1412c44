import CZlib
import Foundation

/// Just enough of the ZIP format for NumPy's `.npz` archives: reading stored and deflated
/// entries (including the ZIP64 fields NumPy writes), writing stored entries. CRCs are checked.
enum ZipArchive {
    static func read(_ bytes: [UInt8], source: String) throws -> [(String, [UInt8])] {
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(source): \(message)") }
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw fail("truncated ZIP structure") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            let low = try u16(at), high = try u16(at + 2)
            return low | high << 16
        }
        func u64(_ at: Int) throws -> Int {
            let low = try u32(at), high = try u32(at + 4)
            guard high < 1 << 30 else { throw fail("ZIP64 size out of range") }
            return low | high << 32
        }
        // The end-of-central-directory record sits in the last 22 + 65535 bytes.
        var end = -1
        var position = bytes.count - 22
        while position >= Swift.max(0, bytes.count - 22 - 65_535) {
            if try u32(position) == 0x0605_4B50 { end = position; break }
            position -= 1
        }
        guard end >= 0 else { throw fail("not a ZIP archive (no end-of-central-directory record)") }
        var count = try u16(end + 10)
        var directory = try u32(end + 16)
        if directory == 0xFFFF_FFFF || count == 0xFFFF {
            // ZIP64: the locator just before the record points to the ZIP64 end record.
            guard end >= 20, try u32(end - 20) == 0x0706_4B50 else { throw fail("missing ZIP64 locator") }
            let record = try u64(end - 12)
            guard try u32(record) == 0x0606_4B50 else { throw fail("bad ZIP64 end record") }
            count = try u64(record + 32)
            directory = try u64(record + 48)
        }
        var entries: [(String, [UInt8])] = []
        var cursor = directory
        for _ in 0..<count {
            guard try u32(cursor) == 0x0201_4B50 else { throw fail("bad central directory entry at offset \(cursor)") }
            let method = try u16(cursor + 10)
            let crc = UInt32(try u32(cursor + 16))
            var compressed = try u32(cursor + 20), uncompressed = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28), extraLength = try u16(cursor + 30),
                commentLength = try u16(cursor + 32)
            var local = try u32(cursor + 42)
            guard cursor + 46 + nameLength + extraLength <= bytes.count else {
                throw fail("truncated central directory")
            }
            guard let name = String(bytes: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], encoding: .utf8) else {
                throw fail("entry name is not UTF-8")
            }
            // ZIP64 extra field: the 64-bit values of whichever fields hold 0xFFFFFFFF, in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), size = try u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try u64(field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try u64(field); field += 8 }
                    if local == 0xFFFF_FFFF { local = try u64(field) }
                }
                extra += 4 + size
            }
            guard try u32(local) == 0x0403_4B50 else { throw fail("bad local header for \(name)") }
            let localName = try u16(local + 26), localExtra = try u16(local + 28)
            let dataStart = local + 30 + localName + localExtra
            guard compressed >= 0, dataStart + compressed <= bytes.count else {
                throw fail("\(name) runs past the end of the archive")
            }
            // Deflate expands at most ~1032:1; a larger claimed size is corrupt (and must not be allocated).
            guard uncompressed >= 0, uncompressed <= compressed * 1032 + 1024 else {
                throw fail("\(name) claims \(uncompressed) bytes from \(compressed) compressed bytes")
            }
            let raw = Array(bytes[dataStart..<(dataStart + compressed)])
            let data: [UInt8]
            switch method {
            case 0: data = raw
            case 8: data = try inflate(raw, expected: uncompressed, name: name, fail: fail)
            default: throw fail("\(name) uses unsupported compression method \(method)")
            }
            guard data.count == uncompressed else {
                throw fail("\(name) holds \(data.count) bytes, expected \(uncompressed)")
            }
            guard checksum(data) == crc else { throw fail("\(name) fails its CRC check (corrupt)") }
            entries.append((name, data))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    static func write(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [], central: [UInt8] = []
        func put16(_ v: Int, _ to: inout [UInt8]) { to += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func put32(_ v: Int, _ to: inout [UInt8]) { put16(v & 0xFFFF, &to); put16(v >> 16 & 0xFFFF, &to) }
        for (name, data) in entries {
            let nameBytes = Array(name.utf8), crc = Int(checksum(data)), offset = out.count
            put32(0x0403_4B50, &out); put16(20, &out); put16(0, &out); put16(0, &out); put16(0, &out); put16(0x21, &out)
            put32(crc, &out); put32(data.count, &out); put32(data.count, &out); put16(nameBytes.count, &out);
            put16(0, &out)
            out += nameBytes + data
            put32(0x0201_4B50, &central); put16(20, &central); put16(20, &central); put16(0, &central);
            put16(0, &central)
            put16(0, &central); put16(0x21, &central); put32(crc, &central); put32(data.count, &central)
            put32(data.count, &central); put16(nameBytes.count, &central); put16(0, &central); put16(0, &central)
            put16(0, &central); put16(0, &central); put32(0, &central); put32(offset, &central)
            central += nameBytes
        }
        let directoryOffset = out.count
        out += central
        put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out); put16(entries.count, &out); put16(entries.count, &out)
        put32(central.count, &out); put32(directoryOffset, &out); put16(0, &out)
        return out
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    private static func inflate(
        _ raw: [UInt8], expected: Int, name: String, fail: (String) -> CortexError
    ) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expected)
        var stream = z_stream()
        // Raw deflate data (negative window bits): ZIP entries have no zlib header.
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("cannot initialize zlib")
        }
        defer { inflateEnd(&stream) }
        var input = raw
        let status = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { outp in
                stream.next_in = inp.baseAddress
                stream.avail_in = UInt32(inp.count)
                stream.next_out = outp.baseAddress
                stream.avail_out = UInt32(outp.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expected else {
            throw fail("\(name) has corrupt deflate data")
        }
        return output
    }
}
