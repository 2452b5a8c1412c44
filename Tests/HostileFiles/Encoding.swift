// Byte-level builders for hostile files: little- and big-endian fields, gzip and raw deflate
// streams (through zlib, streamed so that a stream of a gigabyte needs no gigabyte of input),
// and the headers of .npy and safetensors files written by hand so that any field can lie.
import CZlib
import Foundation

extension Array where Element == UInt8 {
    mutating func le16(_ v: Int) { append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)]) }
    mutating func le32(_ v: Int) { le16(v & 0xFFFF); le16(v >> 16 & 0xFFFF) }
    mutating func le64(_ v: UInt64) { le32(Int(v & 0xFFFF_FFFF)); le32(Int(v >> 32)) }
    mutating func be32(_ v: UInt32) { append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) }) }
}

/// Little-endian bytes of a UInt64.
func le64(_ v: UInt64) -> [UInt8] {
    var out: [UInt8] = []
    out.le64(v)
    return out
}

/// CRC-32 of `bytes` as ZIP and gzip use it.
func crc32Of(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
}

/// Compresses `count` bytes produced in chunks by `chunk(offset, length)`; `gzip` adds the gzip
/// wrapper, else the stream is raw deflate (as in ZIP entries). Returns the stream and the CRC-32
/// of the uncompressed bytes.
func compress(count: Int, gzip: Bool, level: Int32 = 9, chunk: (Int, Int) -> [UInt8]) -> (bytes: [UInt8], crc: UInt32) {
    var stream = z_stream()
    let windowBits: Int32 = gzip ? 31 : -15
    precondition(
        deflateInit2_(
            &stream, level, Z_DEFLATED, windowBits, 9, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var checksum: UInt = 0
    var offset = 0
    repeat {
        var input = chunk(offset, Swift.min(1 << 20, count - offset))
        offset += input.count
        checksum = input.withUnsafeBufferPointer { crc32(checksum, $0.baseAddress, UInt32($0.count)) }
        let flush = offset >= count ? Z_FINISH : Z_NO_FLUSH
        input.withUnsafeMutableBufferPointer { inp in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(inp.count)
            repeat {
                let produced = buffer.withUnsafeMutableBufferPointer { outp -> Int in
                    stream.next_out = outp.baseAddress
                    stream.avail_out = UInt32(outp.count)
                    _ = deflate(&stream, flush)
                    return outp.count - Int(stream.avail_out)
                }
                out += buffer[..<produced]
            } while stream.avail_out == 0 || (flush == Z_FINISH && stream.avail_in > 0)
        }
    } while offset < count
    return (out, UInt32(checksum))
}

/// `bytes` compressed (gzip or raw deflate).
func compress(_ bytes: [UInt8], gzip: Bool) -> [UInt8] {
    compress(count: bytes.count, gzip: gzip) { Array(bytes[$0..<($0 + $1)]) }.bytes
}

/// A version-`major` .npy file with `header` as its dictionary text (padded as NumPy pads it
/// unless `pad` is false) and a header length field that may lie.
func npy(_ header: String, data: [UInt8] = [], major: UInt8 = 1, declaredLength: Int? = nil, pad: Bool = true)
    -> [UInt8]
{
    npy(bytes: Array(header.utf8), data: data, major: major, declaredLength: declaredLength, pad: pad)
}

/// The same from raw header bytes.
func npy(bytes header: [UInt8], data: [UInt8] = [], major: UInt8 = 1, declaredLength: Int? = nil, pad: Bool = true)
    -> [UInt8]
{
    var text = header
    let prefix = major == 1 ? 10 : 12
    if pad {
        while (prefix + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
    }
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    let length = declaredLength ?? text.count
    if major == 1 { out.le16(length) } else { out.le32(length) }
    return out + text + data
}

/// A safetensors file from raw header text and data, with a header length that may lie.
func safetensors(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let text = Array(header.utf8)
    return le64(declaredLength ?? UInt64(text.count)) + text + data
}

/// The little-endian bytes of `values` as F32.
func f32(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

/// `bytes` as a gzip file (for tests that need one).
public func gzip(_ bytes: [UInt8]) -> [UInt8] { compress(bytes, gzip: true) }
