// The Cortex benchmark: `make bench ARGS="--quick --threads 1 --json"`.
//
// Each case times the median of at least five repetitions after a warm-up. Case names match
// Benchmarks/peers/pytorch_bench.py so that the two can be compared line by line.
import Cortex
import Foundation

struct Options {
    var quick = false
    var json = false
    var threads = Cortex.threadCount
    var only: String?

    init(_ arguments: [String]) {
        var i = 1
        while i < arguments.count {
            switch arguments[i] {
            case "--quick": quick = true
            case "--json": json = true
            case "--threads":
                i += 1
                threads = Int(arguments[i]) ?? threads
            case "--filter":
                i += 1
                only = arguments[i]
            case "--info":
                print(Cortex.blasInfo)
                exit(0)
            case "--help", "-h":
                print("usage: CortexBench [--quick] [--threads N] [--json] [--filter SUBSTRING] [--info]")
                exit(0)
            default:
                FileHandle.standardError.write(Data("unknown option \(arguments[i])\n".utf8))
                exit(2)
            }
            i += 1
        }
    }
}

let options = Options(CommandLine.arguments)
Cortex.threadCount = options.threads
let suite = BenchmarkSuite(options: options)
if !options.json {
    print("Cortex benchmarks: \(options.threads) thread(s)\(options.quick ? ", quick" : "")")
    print("BLAS: \(Cortex.blasInfo)")
    print(
        "case                         framework    batch       median          min          max      throughput   GFLOP/s"
    )
}
suite.runAll()
