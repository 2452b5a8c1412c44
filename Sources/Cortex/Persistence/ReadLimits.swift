import Synchronization

/// The limits every Cortex file reader applies before it allocates memory for a file's
/// contents, so that a small corrupt or hostile file cannot make a process allocate gigabytes.
///
/// Every reader (safetensors weights and checkpoints, `.npy`, `.npz` and the ZIP container,
/// IDX files plain or gzipped, CSV plain or gzipped) first checks the sizes a file declares
/// against the file's own size, with arithmetic that cannot overflow, then against these
/// limits; only then does it allocate. Decompression stops at the size the file declares and
/// at ``maximumBytes``. Only regular files are read: FIFOs, devices, sockets and directories
/// are refused before anything is read (symbolic links to regular files are followed).
///
/// The defaults admit any single file that brings at most 1 GiB into memory. To read larger
/// files, raise the limits for the whole process, or for one call:
///
/// ```swift
/// Cortex.readLimits.maximumBytes = 8 << 30            // every reader, every thread
/// Cortex.readLimits.maximumElements = 2 << 30
/// let big = try Cortex.withReadLimits(ReadLimits(maximumBytes: 8 << 30, maximumElements: 2 << 30)) {
///     try NumPy.load(url)                             // only this call
/// }
/// ```
///
/// A service that reads untrusted uploads can lower them the same way.
public struct ReadLimits: Sendable, Equatable {
    /// The most bytes a reader takes in for one file: the size of a file that is read whole
    /// (safetensors, checkpoints, `.npy`, `.npz`, plain IDX and CSV), and the decompressed size
    /// of a gzip stream or of one compressed `.npz` entry. Default 1 GiB.
    public var maximumBytes: Int
    /// The most tensor elements one file may produce, all its tensors together (each element
    /// becomes a 4-byte `Float`, so the default of 2^28 is 1 GiB of tensors).
    public var maximumElements: Int
    /// The largest header a reader parses: a safetensors JSON header, a `.npy` header
    /// dictionary, a CSV header line. Default 16 MiB (safetensors headers of real models are a
    /// few hundred KiB; `.npy` headers a few hundred bytes).
    public var maximumHeaderBytes: Int

    /// Creates limits; negative values count as zero.
    ///
    /// - Parameters:
    ///   - maximumBytes: the most bytes read or decompressed for one file.
    ///   - maximumElements: the most tensor elements created from one file.
    ///   - maximumHeaderBytes: the largest header parsed.
    public init(maximumBytes: Int = 1 << 30, maximumElements: Int = 1 << 28, maximumHeaderBytes: Int = 1 << 24) {
        self.maximumBytes = max(0, maximumBytes)
        self.maximumElements = max(0, maximumElements)
        self.maximumHeaderBytes = max(0, maximumHeaderBytes)
    }

    /// The limits Cortex starts with: 1 GiB per file, 2^28 elements, 16 MiB headers.
    public static let `default` = ReadLimits()

    /// The limits in force for the calling task or thread: a ``Cortex/withReadLimits(_:_:)``
    /// scope, else ``Cortex/readLimits``.
    static var current: ReadLimits { scoped ?? Cortex.readLimitsStorage.withLock { $0 } }

    @TaskLocal static var scoped: ReadLimits?

    /// The message tail that tells a user how to read a file above a limit.
    static func raiseHint(_ property: String) -> String {
        "raise Cortex.readLimits.\(property) to read it"
    }
}

extension Cortex {
    static let readLimitsStorage = Mutex(ReadLimits.default)

    /// The limits every file reader applies, process-wide (see ``ReadLimits``). Setting it is
    /// safe from any thread; a read already under way keeps the limits it started with.
    public static var readLimits: ReadLimits {
        get { readLimitsStorage.withLock { $0 } }
        set { readLimitsStorage.withLock { $0 = newValue } }
    }

    /// Runs `body` with `limits` in force for the readers it calls on this task or thread,
    /// leaving ``readLimits`` and other threads unaffected.
    ///
    /// - Parameters:
    ///   - limits: the limits for the reads inside `body`.
    ///   - body: the work that reads files.
    public static func withReadLimits<T>(_ limits: ReadLimits, _ body: () throws -> T) rethrows -> T {
        try ReadLimits.$scoped.withValue(limits, operation: body)
    }
}
