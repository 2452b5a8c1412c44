import CZlib
import Foundation

/// A regular file opened for reading: FIFOs, devices, sockets and directories are refused
/// before anything is read, and the file's size is checked against
/// ``ReadLimits/maximumBytes`` before anything is allocated.
final class InputFile {
    let path: String
    let size: Int
    let descriptor: Int32

    init(_ url: URL, limits: ReadLimits) throws {
        path = url.path
        // stat first, so that a device is never even opened (opening some has side effects).
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CortexError(
                .invalidFile, errno == ENOENT ? "\(path): no such file" : "\(path): cannot be read: \(errorText())")
        }
        try Self.requireRegular(info, path)
        // O_NONBLOCK: should the path be swapped for a FIFO after the check, open does not wait.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CortexError(.invalidFile, "\(path): cannot be opened: \(errorText())") }
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw CortexError(.invalidFile, "\(path): cannot be read: \(errorText())")
        }
        do {
            try Self.requireRegular(info, path)
        } catch {
            close(fd)
            throw error
        }
        size = Int(info.st_size)
        guard size <= limits.maximumBytes else {
            close(fd)
            throw CortexError(
                .invalidFile,
                "\(path): is \(size) bytes, above the read limit of \(limits.maximumBytes) bytes (\(ReadLimits.raiseHint("maximumBytes")))"
            )
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    private static func requireRegular(_ info: stat, _ path: String) throws {
        let kind = info.st_mode & S_IFMT
        guard kind != S_IFREG else { return }
        let name =
            switch kind {
            case S_IFDIR: "a directory"
            case S_IFIFO: "a FIFO"
            case S_IFCHR: "a character device"
            case S_IFBLK: "a block device"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
        throw CortexError(.invalidFile, "\(path): is \(name), not a regular file")
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw CortexError(.invalidFile, "\(path): read failed: \(errorText())")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// `count` bytes at `offset`, fewer only at the end of the file.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
        }
    }

    /// The whole file; a file that shrinks or grows while it is read is refused.
    func readAll() throws -> [UInt8] {
        let bytes = try read(at: 0, count: size)
        guard bytes.count == size else {
            throw CortexError(.invalidFile, "\(path): shrank from \(size) to \(bytes.count) bytes while being read")
        }
        var probe: UInt8 = 0
        guard try withUnsafeMutableBytes(of: &probe, { try read(into: $0, at: size) }) == 0 else {
            throw CortexError(.invalidFile, "\(path): grew beyond \(size) bytes while being read")
        }
        return bytes
    }
}

/// A file's bytes in order, gunzipped when the file starts with the gzip magic number, and
/// never more than ``ReadLimits/maximumBytes`` of them.
final class InputStream {
    let file: InputFile
    /// Whether the file is gzip-compressed.
    let isCompressed: Bool
    private let gz: gzFile?
    private let limits: ReadLimits
    private var offset = 0
    /// Bytes delivered so far (decompressed bytes for a gzip file).
    private(set) var position = 0

    init(_ url: URL, limits: ReadLimits) throws {
        file = try InputFile(url, limits: limits)
        self.limits = limits
        let magic = try file.read(at: 0, count: 2)
        isCompressed = magic == [0x1F, 0x8B]
        if isCompressed {
            let copy = dup(file.descriptor)
            guard copy >= 0, let handle = gzdopen(copy, "rb") else {
                if copy >= 0 { close(copy) }
                throw CortexError(.invalidFile, "\(file.path): cannot open the gzip stream")
            }
            gz = handle
        } else {
            gz = nil
        }
    }

    deinit { if let gz { gzclose(gz) } }

    var path: String { file.path }

    /// Fills `buffer` from the stream; returns fewer bytes only at the end of the data. Throws on
    /// corrupt or truncated gzip data, and when the stream passes ``ReadLimits/maximumBytes``.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        // Never deliver more than one byte past the limit: that byte proves the stream exceeds it.
        let room = limits.maximumBytes - position + 1
        let wanted = Swift.min(buffer.count, Swift.max(0, room))
        var done = 0
        if let gz {
            while done < wanted {
                let chunk = UInt32(Swift.min(wanted - done, 1 << 30))
                let n = gzread(gz, buffer.baseAddress! + done, chunk)
                if n < 0 {
                    var code: Int32 = 0
                    let message = gzerror(gz, &code).map { String(cString: $0) } ?? "read error"
                    throw CortexError(
                        .invalidFile, "\(path): corrupt gzip data after \(position + done) bytes: \(message)")
                }
                if n == 0 || Int(n) < Int(chunk) {
                    done += Int(n)
                    var code: Int32 = 0
                    _ = gzerror(gz, &code)
                    if code == Z_BUF_ERROR {
                        throw CortexError(
                            .invalidFile,
                            "\(path): truncated gzip stream (it ends after \(position + done) decompressed bytes)")
                    }
                    if code != Z_OK {
                        throw CortexError(.invalidFile, "\(path): corrupt gzip data after \(position + done) bytes")
                    }
                    break
                }
                done += Int(n)
            }
        } else {
            done = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]), at: offset)
            offset += done
        }
        position += done
        if position > limits.maximumBytes {
            throw CortexError(
                .invalidFile,
                "\(path): holds more than the read limit of \(limits.maximumBytes) bytes\(isCompressed ? " once decompressed" : "") (\(ReadLimits.raiseHint("maximumBytes")))"
            )
        }
        return done
    }

    /// Up to `count` bytes, fewer only at the end of the data.
    func read(count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = try read(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Whether the data has ended (reads one byte to find out; call it only at the point where
    /// the data should end).
    func isAtEnd() throws -> Bool {
        var byte: UInt8 = 0
        return try withUnsafeMutableBytes(of: &byte) { try read(into: $0) } == 0
    }
}

private func errorText() -> String { String(cString: strerror(errno)) }
