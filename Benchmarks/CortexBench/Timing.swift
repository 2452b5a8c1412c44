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
        let g = gflops.map { String(format: "%8.1f", $0) } ?? "       -"
        return String(
            format: "%-28@ %-12@ %5@ %10.3f ms %10.3f ms %10.3f ms %14.1f/s %@",
            name as NSString, framework as NSString, (batch.map(String.init) ?? "-") as NSString,
            median * 1e3, times.min()! * 1e3, times.max()! * 1e3, itemsPerSecond, g)
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
