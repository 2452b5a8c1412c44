// Loads one file with one Cortex reader in a fresh process and reports the outcome, the
// process's peak resident memory (VmHWM) and, for weights and checkpoints, whether the model
// was left unchanged by a refused load. The hostile-file corpus test runs it once per file.
//
//     ReadProbe <npy|npz|safetensors|checkpoint|idx|csv> <adam|sgd|momentum> <path> [bytes elements header]
//
// Prints one line: `outcome=<accepted|refused> peak_kb=<n> unchanged=<yes|no|-> detail=<text>`.
import Cortex
import Foundation
import HostileFiles

func peakResidentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 7, let optimizer = ProbeModel.OptimizerKind(rawValue: arguments[2])
else {
    print("usage: ReadProbe <reader> <adam|sgd|momentum> <path> [maximumBytes maximumElements maximumHeaderBytes]")
    exit(2)
}
let reader = arguments[1]
let url = URL(fileURLWithPath: arguments[3])
if arguments.count == 7 {
    Cortex.readLimits = ReadLimits(
        maximumBytes: Int(arguments[4])!, maximumElements: Int(arguments[5])!, maximumHeaderBytes: Int(arguments[6])!)
}
let model = ["safetensors", "checkpoint"].contains(reader) ? try ProbeModel.make(optimizer) : nil
let before = try model.map(ProbeModel.fingerprint)

var outcome = "accepted"
var detail = ""
do {
    switch reader {
    case "npy": detail = "shape=\(try NumPy.load(url).shape)"
    case "npz": detail = "arrays=\(try NumPy.loadArchive(url).count)"
    case "safetensors":
        try model!.loadWeights(from: url)
        detail = "tensors=\(model!.namedParameters.count)"
    case "checkpoint": detail = "epoch=\(try model!.loadCheckpoint(from: url))"
    case "idx":
        let (train, test) = try MNIST.load(directory: url)
        detail = "train=\(train.count) test=\(test.count)"
    case "csv":
        let table = try CSV.load(url)
        detail = "rows=\(table.target.count) features=\(table.featureNames.count)"
    default:
        print("unknown reader \(reader)")
        exit(2)
    }
} catch let error as CortexError {
    outcome = "refused"
    detail = error.description
} catch {
    outcome = "refused"
    detail = "not a CortexError: \(error)"
}
var unchanged = "-"
if let model, let before, outcome == "refused" {
    unchanged = try ProbeModel.fingerprint(model) == before ? "yes" : "no"
}
let shown = detail.count > 300 ? String(detail.prefix(300)) + "..." : detail
print("outcome=\(outcome) peak_kb=\(peakResidentKilobytes()) unchanged=\(unchanged) detail=\(shown)")
