import Foundation

extension History {
    /// Metric names: losses first (`loss`, then `val_loss`), then the rest alphabetically.
    var orderedKeys: [String] {
        metrics.keys.sorted { a, b in
            let (la, lb) = (a.hasSuffix("loss"), b.hasSuffix("loss"))
            return la != lb ? la : (a.count, a) < (b.count, b)
        }
    }

    /// The history as CSV: an `epoch` column (1-based), then one column per metric.
    public var csv: String {
        let keys = orderedKeys
        var lines = [(["epoch"] + keys).joined(separator: ",")]
        for (row, epoch) in epochs.enumerated() {
            let values = keys.map { key -> String in
                let series = metrics[key]!
                return row < series.count ? "\(series[row])" : ""
            }
            lines.append(([String(epoch + 1)] + values).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes ``csv`` to `url` atomically.
    public func writeCSV(to url: URL) throws {
        try AtomicFile.write(Array(csv.utf8), to: url)
    }

    /// Writes learning curves as an SVG file that any browser opens: a panel for the losses and
    /// one for the other metrics, one line per metric (validation series dashed), with axes,
    /// ticks and a legend.
    public func plot(to url: URL) throws {
        try AtomicFile.write(Array(svg().utf8), to: url)
    }

    /// The SVG text of ``plot(to:)``.
    public func svg(width: Int = 960, height: Int = 420) -> String {
        let keys = orderedKeys
        let losses = keys.filter { $0.hasSuffix("loss") }, others = keys.filter { !$0.hasSuffix("loss") }
        let panels = [("Loss", losses), ("Metrics", others)].filter { !$0.1.isEmpty }
        let panelWidth = Double(width) / Double(Swift.max(panels.count, 1))
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        if panels.isEmpty {
            svg += "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">No epochs recorded</text>\n"
        }
        for (index, (title, series)) in panels.enumerated() {
            svg += panel(
                title: title, keys: series, x: Double(index) * panelWidth, width: panelWidth, height: Double(height))
        }
        return svg + "</svg>\n"
    }

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]

    private func panel(title: String, keys: [String], x: Double, width: Double, height: Double) -> String {
        let (left, right, top, bottom) = (x + 60, x + width - 20, 40.0, height - 90)
        let values = keys.flatMap { metrics[$0]! }.filter(\.isFinite)
        var low = Double(values.min() ?? 0), high = Double(values.max() ?? 1)
        if high - low < 1e-12 { (low, high) = (low - 0.5, high + 0.5) }
        let pad = (high - low) * 0.05
        (low, high) = (low - pad, high + pad)
        let firstEpoch = Double((epochs.first ?? 0) + 1), lastEpoch = Double((epochs.last ?? 0) + 1)
        let span = Swift.max(lastEpoch - firstEpoch, 1)
        func px(_ epoch: Double) -> Double { left + (epoch - firstEpoch) / span * (right - left) }
        func py(_ value: Double) -> Double { bottom - (value - low) / (high - low) * (bottom - top) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var s = "<g class=\"panel\" data-title=\"\(title)\">\n"
        s +=
            "<text class=\"title\" x=\"\(f((left + right) / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(title)</text>\n"
        s +=
            "<line class=\"axis x-axis\" x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"black\"/>\n"
        s +=
            "<line class=\"axis y-axis\" x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottom))\" stroke=\"black\"/>\n"
        // Ticks at round values: a step of 1, 2 or 5 times a power of ten.
        let raw = (high - low) / 4, magnitude = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        for value in stride(from: (low / step).rounded(.up) * step, through: high, by: step) {
            let y = py(value)
            s +=
                "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>\n"
            s +=
                "<text class=\"y-tick\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(String(format: "%.3g", value))</text>\n"
        }
        let epochStep = Swift.max(1, Int((span / 10).rounded(.up)))
        for epoch in stride(from: Int(firstEpoch), through: Int(lastEpoch), by: epochStep) {
            s +=
                "<text class=\"x-tick\" x=\"\(f(px(Double(epoch))))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(epoch)</text>\n"
        }
        s +=
            "<text class=\"x-label\" x=\"\(f((left + right) / 2))\" y=\"\(f(bottom + 34))\" text-anchor=\"middle\">epoch</text>\n"
        for (i, key) in keys.enumerated() {
            let base = key.hasPrefix("val_") ? String(key.dropFirst(4)) : key
            let color = History.palette[(orderedKeys.firstIndex(of: base) ?? i) % History.palette.count]
            let dash = key.hasPrefix("val_") ? " stroke-dasharray=\"6 4\"" : ""
            let points = zip(epochs, metrics[key]!).filter { $0.1.isFinite }
                .map { "\(f(px(Double($0.0 + 1)))),\(f(py(Double($0.1))))" }
            s +=
                "<polyline class=\"series\" data-name=\"\(key)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash) points=\"\(points.joined(separator: " "))\"/>\n"
            for point in points {
                let xy = point.split(separator: ",")
                s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(color)\"/>\n"
            }
            let ly = bottom + 52 + Double(i / 3) * 16, lx = left + Double(i % 3) * 150
            s +=
                "<line class=\"legend\" x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 24))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
            s += "<text class=\"legend\" x=\"\(f(lx + 30))\" y=\"\(f(ly + 4))\">\(key)</text>\n"
        }
        return s + "</g>\n"
    }
}
