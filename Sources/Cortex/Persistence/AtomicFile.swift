import Foundation

/// Writes files so that a crash, a kill or a full disk leaves either the old file or the new
/// one, never a mixture: the bytes go to a temporary file in the same folder, which is flushed
/// and fsynced, then renamed over the destination, and the folder is fsynced.
///
/// - A destination that is a symbolic link is written through: the link stays and its target
///   (followed through any chain of links) gets the new contents.
/// - An existing destination keeps its permission bits, and its owner and group where the
///   process may set them (extended attributes and ACLs are not carried over, and hard links
///   to the old file keep the old contents). A new file gets mode 0666 less the umask.
/// - A destination that exists but is not a regular file (a directory, FIFO or device) is
///   refused.
/// - The temporary file is named `.<name>.cortex-tmp-<host>-<pid>-<random>` (a long name is
///   shortened, with a hash). A process killed mid-save leaves it behind; the next save to the
///   same path from the same host removes those whose process has ended (and which no process
///   holds locked), so that kills do not pile up partial files.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let destination = try resolvingLinks(url.path)
        let (directory, name) = split(destination)
        func fail(_ message: String) -> CortexError { CortexError(.invalidFile, "\(url.path): \(message)") }
        var existing = stat()
        let exists = stat(destination, &existing) == 0
        if exists && existing.st_mode & S_IFMT != S_IFREG {
            throw fail("exists and is not a regular file (\(kindName(existing.st_mode))); it was not replaced")
        }
        removeStaleTemporaries(in: directory, for: name)
        let temporary = directory + "/" + temporaryPrefix(for: name) + "\(hostTag)-\(getpid())-\(randomTag())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? 0o600 : 0o666)
        guard fd >= 0 else { throw fail("cannot create a temporary file in \(directory): \(errorText())") }
        // The lock tells other processes' cleanups that this file is in use.
        _ = flock(fd, LOCK_EX | LOCK_NB)
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            if exists {
                // Owner first: changing it clears set-user-ID bits that the mode then restores.
                var created = stat()
                if fstat(fd, &created) == 0 && (created.st_uid != existing.st_uid || created.st_gid != existing.st_gid)
                {
                    if fchown(fd, existing.st_uid, existing.st_gid) != 0 { _ = fchown(fd, uid_t.max, existing.st_gid) }
                }
                guard fchmod(fd, existing.st_mode & 0o7777) == 0 else {
                    throw fail("cannot set the permissions of the temporary file: \(errorText())")
                }
            }
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw fail("write failed: \(errorText())")
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw fail("fsync failed: \(errorText())") }
            guard rename(temporary, destination) == 0 else { throw fail("rename failed: \(errorText())") }
            closed = true
            guard close(fd) == 0 else { throw fail("close failed: \(errorText())") }
        } catch {
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// `path` with every symbolic link in its last component followed (a dangling link gives
    /// the path it points to, which the write then creates).
    static func resolvingLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length >= 0 else {
                throw CortexError(.invalidFile, "\(path): cannot read the symbolic link \(current): \(errorText())")
            }
            let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : split(current).directory + "/" + target
        }
        throw CortexError(.invalidFile, "\(path): too many levels of symbolic links")
    }

    /// The folder (`.` for a bare name) and the last component of `path`.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `.<name>.cortex-tmp-`, with a long name cut to 80 bytes plus a hash of the whole name.
    static func temporaryPrefix(for name: String) -> String {
        var stem = name
        if name.utf8.count > 100 {
            var cut = name.utf8.prefix(80)
            while !cut.isEmpty, String(cut) == nil { cut = cut.dropLast() }  // whole characters only
            stem = String(cut)! + "~" + String(fnv1a(Array(name.utf8)), radix: 16)
        }
        return "." + stem + ".cortex-tmp-"
    }

    /// A short tag for this host, so that one machine never removes another's files on a
    /// shared folder.
    static let hostTag: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        let name = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(fnv1a(name) & 0xFFFF_FFFF, radix: 16)
    }()

    private static func randomTag() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() & 0xFFFF_FFFF, radix: 16)
    }

    /// Removes this host's temporary files for `name` left by processes that have ended.
    private static func removeStaleTemporaries(in directory: String, for name: String) {
        let prefix = temporaryPrefix(for: name) + hostTag + "-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count).split(separator: "-")
            guard rest.count == 2, let pid = pid_t(rest[0]), pid > 0, pid != getpid() else { continue }
            guard kill(pid, 0) != 0 && errno == ESRCH else { continue }  // its writer may still run
            let path = directory + "/" + entry
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var info = stat()
            if flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                unlink(path)
            }
            close(fd)
        }
    }

    private static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }

    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
