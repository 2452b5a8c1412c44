import Foundation

/// Keras-style progress output for one epoch:
/// `  12/125 [==>...........................] - ETA: 3s - loss: 0.5432 - accuracy: 0.8123`.
struct ProgressBar {
    let total: Int
    let live: Bool
    private let start = DispatchTime.now()
    private var lastDraw: UInt64 = 0
    private static let width = 30

    /// `live` redraws in place; it requires a terminal on standard output.
    init(total: Int, live: Bool) {
        self.total = total
        self.live = live && isatty(STDOUT_FILENO) != 0
    }

    static func epochHeader(_ epoch: Int, of epochs: Int) -> String { "Epoch \(epoch + 1)/\(epochs)" }

    /// Redraws the bar after `done` batches, at most every 50 ms.
    mutating func update(done: Int, logs: [(String, Float)]) {
        guard live else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 50_000_000 || done == total else { return }
        lastDraw = now
        let elapsed = seconds(since: start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let line = "\(counter(done)) \(bar(done)) - ETA: \(Self.format(duration: eta))\(Self.format(logs))"
        write("\r\(line)\u{1B}[K")
    }

    /// Prints the epoch's final line.
    func finish(logs: [(String, Float)]) {
        let elapsed = seconds(since: start)
        let perStep = elapsed / Double(Swift.max(total, 1))
        let timing = "\(Self.format(duration: elapsed)) \(Int((perStep * 1000).rounded()))ms/step"
        let line = "\(counter(total)) \(bar(total)) - \(timing)\(Self.format(logs))"
        write((live ? "\r" : "") + line + (live ? "\u{1B}[K" : "") + "\n")
    }

    private func counter(_ done: Int) -> String {
        let digits = String(total).count
        return String(repeating: " ", count: digits - String(done).count) + "\(done)/\(total)"
    }

    private func bar(_ done: Int) -> String {
        let filled = total > 0 ? Swift.min(Self.width * done / total, Self.width) : Self.width
        let head = filled == Self.width ? "=" : (filled > 0 ? ">" : "")
        let body = String(repeating: "=", count: Swift.max(filled - 1, 0)) + head
        return "[" + body + String(repeating: ".", count: Self.width - body.count) + "]"
    }

    static func format(_ logs: [(String, Float)]) -> String {
        logs.map { " - \($0.0): \(String(format: "%.4f", Double($0.1)))" }.joined()
    }

    static func format(duration seconds: Double) -> String {
        if seconds >= 3600 { return "\(Int(seconds) / 3600)h \(Int(seconds) % 3600 / 60)m" }
        if seconds >= 60 { return "\(Int(seconds) / 60)m \(Int(seconds) % 60)s" }
        return "\(Int(seconds.rounded()))s"
    }

    private func write(_ text: String) {
        // Through stdout's own buffer, so the bar stays in order with print().
        print(text, terminator: "")
        fflush(nil)
    }
}

func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
