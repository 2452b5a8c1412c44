/// The write half of the Protocol Buffers wire format, as much of it as ONNX export needs.
///
/// ONNX export only writes, so a small encoder keeps the library free of a protobuf dependency
/// and of generated code (docs/onnx.md explains the choice). Fields are written in the order the
/// caller writes them; ``ONNX`` writes them in field-number order, as protobuf's own
/// serializers do, so the bytes equal those of the `onnx` Python package (tested against its
/// output in `Tests/CortexTests/Fixtures/onnx_protobuf.json`).
///
/// A writer either collects bytes or only counts them: a nested message is counted first, so
/// its length prefix is known, and then written straight into the parent's buffer. Weights are
/// therefore copied once into the file's bytes, not once per nesting level.
struct ProtobufWriter {
    /// How the value after a field's tag is encoded.
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// The bytes written so far (empty in a counting writer).
    private(set) var bytes: [UInt8] = []
    /// The number of bytes written so far.
    private(set) var count = 0
    private let isCounting: Bool

    /// A writer that collects bytes, reserving room for `capacity` of them.
    init(capacity: Int = 0) {
        isCounting = false
        bytes.reserveCapacity(capacity)
    }

    private init(counting: Bool) { isCounting = counting }

    /// The encoded size of `message`, without writing it.
    static func size(of message: some ProtobufMessage) -> Int {
        var counter = ProtobufWriter(counting: true)
        message.encode(to: &counter)
        return counter.count
    }

    private mutating func append(_ byte: UInt8) {
        count += 1
        if !isCounting { bytes.append(byte) }
    }

    private mutating func append(contentsOf raw: UnsafeRawBufferPointer) {
        count += raw.count
        if !isCounting { bytes.append(contentsOf: raw) }
    }

    /// A base-128 varint: seven bits per byte, least significant group first, the high bit set
    /// on every byte but the last.
    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    /// A field's key: `(field << 3) | wireType`.
    mutating func writeTag(field: Int, _ wireType: WireType) {
        check(field > 0 && field < 1 << 29, "protobuf: field number \(field) is out of range")
        writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// An `int64` or `int32` field. Negative values take ten bytes (two's complement as an
    /// unsigned 64-bit varint), as protobuf encodes them; `int32` is sign-extended the same way.
    mutating func write(_ value: Int64, field: Int) {
        writeTag(field: field, .varint)
        writeVarint(UInt64(bitPattern: value))
    }

    /// An `int64` or `int32` field.
    mutating func write(_ value: Int, field: Int) { write(Int64(value), field: field) }

    /// A `float` field: four little-endian bytes.
    mutating func write(_ value: Float, field: Int) {
        writeTag(field: field, .fixed32)
        writeFixed32(value.bitPattern)
    }

    /// A `string` field, UTF-8 encoded.
    mutating func write(_ value: String, field: Int) {
        var utf8 = value
        utf8.withUTF8 { writeBytes(UnsafeRawBufferPointer($0), field: field) }
    }

    /// A `bytes` field.
    mutating func writeBytes(_ value: UnsafeRawBufferPointer, field: Int) {
        writeTag(field: field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        append(contentsOf: value)
    }

    /// A `bytes` field holding `values` as little-endian `float32`s (ONNX's `raw_data`).
    mutating func writeBytes(littleEndianFloats values: [Float], field: Int) {
        writeTag(field: field, .lengthDelimited)
        writeVarint(UInt64(values.count * 4))
        #if _endian(little)
            values.withUnsafeBytes { append(contentsOf: $0) }
        #else
            for v in values { writeFixed32(v.bitPattern) }
        #endif
    }

    /// An embedded message: its length, then its fields.
    mutating func write(_ message: some ProtobufMessage, field: Int) {
        let size = ProtobufWriter.size(of: message)
        writeTag(field: field, .lengthDelimited)
        writeVarint(UInt64(size))
        // Counting needs only the size: recounting here would double the work at every level.
        if isCounting { count += size } else { message.encode(to: &self) }
    }

    /// A packed repeated `int64` field: one length-delimited run of varints. An empty list
    /// writes nothing, as protobuf does.
    mutating func writePacked(_ values: [Int64], field: Int) {
        guard !values.isEmpty else { return }
        writeTag(field: field, .lengthDelimited)
        writeVarint(UInt64(values.reduce(0) { $0 + ProtobufWriter.varintSize(UInt64(bitPattern: $1)) }))
        for v in values { writeVarint(UInt64(bitPattern: v)) }
    }

    /// A packed repeated `float` field: one length-delimited run of little-endian `float32`s.
    /// An empty list writes nothing.
    mutating func writePacked(_ values: [Float], field: Int) {
        guard !values.isEmpty else { return }
        writeTag(field: field, .lengthDelimited)
        writeVarint(UInt64(values.count * 4))
        for v in values { writeFixed32(v.bitPattern) }
    }

    private mutating func writeFixed32(_ bits: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    /// The number of bytes `value` takes as a varint (1...10).
    static func varintSize(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }
}

/// A protobuf message that can write its fields.
protocol ProtobufMessage {
    /// Writes the message's fields (without a length prefix) to `writer`.
    func encode(to writer: inout ProtobufWriter)
}

extension ProtobufMessage {
    /// The message's bytes, as protobuf's `SerializeToString` gives them.
    func serializedBytes() -> [UInt8] {
        var writer = ProtobufWriter(capacity: ProtobufWriter.size(of: self))
        encode(to: &writer)
        return writer.bytes
    }
}
