import Dispatch
import Foundation

/// One benchmark result, printed as a table row or a JSON line.
struct Measurement {
    let framework: String
    let name: String
    let threads: Int
    let batch: Int?
    let times: [Double]
    /// Items (images, sequences, rows, calls) per repetition.
    let items: Double
    /// Floating-point operations per repetition, when meaningful.
    let flops: Double?

    var median: Double { times.sorted()[times.count / 2] }
    var itemsPerSecond: Double { items / median }
    var gflops: Double? { flops.map { $0 / median / 1e9 } }

    var json: String {
        func number(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "null" }
        return """
            {"framework": "\(framework)", "case": "\(name)", "threads": \(threads), "batch": \(batch.map(String.init) ?? "null"), \
            "median_s": \(number(median)), "min_s": \(number(times.min())), "max_s": \(number(times.max())), \
            "items_per_s": \(number(itemsPerSecond)), "gflops": \(number(gflops))}
            """
    }

    var row: String {
        func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: Swift.max(0, width - s.count))
            return left ? fill + s : s + fill
        }
        func ms(_ t: Double) -> String { pad(String(format: "%.3f ms", t * 1e3), 13, left: true) }
        return pad(name, 28) + " " + pad(framework, 12) + " " + pad(batch.map(String.init) ?? "-", 5, left: true)
            + ms(median) + ms(times.min()!) + ms(times.max()!)
            + pad(String(format: "%.1f/s", itemsPerSecond), 16, left: true)
            + pad(gflops.map { String(format: "%.1f", $0) } ?? "-", 10, left: true)
    }
}

/// Times `body` after `warmup` runs: at least `repetitions` runs and at least `minimumSeconds`.
func measure(repetitions: Int, minimumSeconds: Double, warmup: Int = 1, _ body: () -> Void) -> [Double] {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    let start = DispatchTime.now().uptimeNanoseconds
    while times.count < repetitions
        || (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minimumSeconds && times.count < 1000)
    {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return times
}
