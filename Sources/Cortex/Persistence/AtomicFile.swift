import Foundation

/// Writes files so that a crash, a kill or a full disk leaves either the old file or the new
/// one, never a mixture: the bytes go to a temporary file in the same folder, which is flushed
/// and fsynced, then renamed over the destination, and the folder is fsynced.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CortexError(
                .invalidFile, "\(url.path): cannot create a temporary file in \(directory.path): \(errorText())")
        }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw CortexError(.invalidFile, "\(url.path): write failed: \(errorText())")
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw CortexError(.invalidFile, "\(url.path): fsync failed: \(errorText())") }
            closed = true
            guard close(fd) == 0 else { throw CortexError(.invalidFile, "\(url.path): close failed: \(errorText())") }
            guard rename(temporary.path, url.path) == 0 else {
                throw CortexError(.invalidFile, "\(url.path): rename failed: \(errorText())")
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
        // Make the rename itself durable.
        let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Reads a whole file.
    static func read(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CortexError(.invalidFile, "\(url.path): cannot be read (missing or not a file)")
        }
        return [UInt8](data)
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
