import Foundation
import Testing

@testable import Cortex

/// A message of one int64 field and one nested message, to test length prefixes.
private struct Nested: ProtobufMessage {
    var value: Int64
    var child: [UInt8]
    func encode(to writer: inout ProtobufWriter) {
        writer.write(value, field: 1)
        child.withUnsafeBytes { writer.writeBytes($0, field: 2) }
    }
}

private struct Outer: ProtobufMessage {
    var inner: [Nested]
    func encode(to writer: inout ProtobufWriter) {
        for n in inner { writer.write(n, field: 3) }
    }
}

@Suite struct ProtobufWriterTests {
    private func varint(_ value: UInt64) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writeVarint(value)
        return writer.bytes
    }

    @Test func varintsAreBase128LeastSignificantGroupFirst() {
        #expect(varint(0) == [0x00])
        #expect(varint(1) == [0x01])
        #expect(varint(127) == [0x7F])
        #expect(varint(128) == [0x80, 0x01])
        #expect(varint(300) == [0xAC, 0x02])
        #expect(varint(16_383) == [0xFF, 0x7F])
        #expect(varint(16_384) == [0x80, 0x80, 0x01])
        #expect(varint(UInt64.max) == [UInt8](repeating: 0xFF, count: 9) + [0x01])
        for shift in 0..<64 {
            let v = UInt64(1) << shift
            #expect(ProtobufWriter.varintSize(v) == varint(v).count, "2^\(shift)")
            #expect(ProtobufWriter.varintSize(v - 1) == varint(v - 1).count, "2^\(shift) - 1")
        }
    }

    @Test func fieldsHaveTagsAndProtobufEncodings() {
        var writer = ProtobufWriter()
        writer.write(Int64(-1), field: 1)  // negative int64: ten bytes
        writer.write(Float(1.5), field: 2)  // fixed32, little-endian
        writer.write("hé", field: 3)  // UTF-8, length-prefixed
        writer.write(Int64(150), field: 16)  // a two-byte tag
        #expect(
            writer.bytes
                == [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01] + [0x15, 0x00, 0x00, 0xC0, 0x3F]
                + [0x1A, 0x03, 0x68, 0xC3, 0xA9] + [0x80, 0x01, 0x96, 0x01])
    }

    @Test func packedFieldsAreOneRunAndEmptyOnesAreOmitted() {
        var writer = ProtobufWriter()
        writer.writePacked([Int64](), field: 7)
        writer.writePacked([Float](), field: 4)
        #expect(writer.bytes.isEmpty)
        writer.writePacked([3, 270, -1] as [Int64], field: 7)
        #expect(writer.bytes == [0x3A, 13, 0x03, 0x8E, 0x02] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        var floats = ProtobufWriter()
        floats.writePacked([1, -2] as [Float], field: 4)
        #expect(floats.bytes == [0x22, 8, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        var raw = ProtobufWriter()
        raw.writeBytes(littleEndianFloats: [1, -2], field: 9)
        #expect(raw.bytes == [0x4A, 8, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    @Test func nestedMessagesAreCountedThenWrittenInPlace() {
        let big = [UInt8](repeating: 7, count: 200)  // a length prefix of two bytes
        let outer = Outer(inner: [Nested(value: 5, child: big), Nested(value: -2, child: [])])
        let bytes = outer.serializedBytes()
        #expect(ProtobufWriter.size(of: outer) == bytes.count)
        // First element: tag 3/2, length 2 + 3 + 200 = 205 (0xCD 0x01), then its fields.
        #expect(Array(bytes[0..<7]) == [0x1A, 0xCD, 0x01, 0x08, 0x05, 0x12, 0xC8])
        #expect(bytes.count == 3 + 205 + 2 + 11 + 2)
        // The second: value -2 as ten bytes, an empty bytes field.
        #expect(
            Array(bytes.suffix(15)) == [0x1A, 13, 0x08, 0xFE] + [UInt8](repeating: 0xFF, count: 8) + [0x01, 0x12, 0x00])
    }
}
