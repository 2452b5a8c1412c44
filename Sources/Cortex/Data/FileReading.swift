import CZlib
import Foundation

/// Reads a whole file, transparently decompressing gzip (zlib reads plain files unchanged).
func readPossiblyCompressedFile(at url: URL) throws -> [UInt8] {
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw CortexError(.invalidFile, "\(url.path): no such file")
    }
    guard let file = gzopen(url.path, "rb") else {
        throw CortexError(.invalidFile, "\(url.path): cannot be opened")
    }
    defer { gzclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw CortexError(.invalidFile, "\(url.path): \(message) (corrupt or truncated gzip data)")
        }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<Int(n)])
    }
    return bytes
}
