// Collective costs on this machine or cluster, for choosing bucket sizes and anchoring the cost
// model in docs/distributed.md. Run with `make bench-distributed` (NP=2 by default), or
//   mpirun -np 2 .build/release/CortexDistributedBench [--quick]
//
// 1. MPI_Allreduce (sum, Float, in place) and MPI_Bcast by message size: median and best time
//    over repetitions (each the slowest rank's time, ranks started together by a barrier), bus
//    bandwidth (2 (n - 1) / n x bytes / time, what a ring moves per rank: comparable across
//    rank counts) and, for broadcast, algorithm bandwidth (bytes / time). On a shared machine
//    the best time is the transport's cost and the median includes waits for a descheduled rank.
// 2. GradientReducer.averageGradients on 10M parameters (40 MB of gradients) by bucket size,
//    packing included (median step; share of the time inside MPI), and on the seed CNN's
//    parameters.
import Cortex
import CortexDistributed
import Dispatch
import Foundation

Cortex.threadCount = 1
let quick = CommandLine.arguments.contains("--quick")
let comm = try MPICommunicator()

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// The median and the fastest over repetitions of the slowest rank's time for `body`, repeated
/// for about `budget` seconds (at least 5 times); every rank runs the same repetitions.
func timings(budget: Double, _ body: () throws -> Void) throws -> (median: Double, best: Double) {
    try body()  // warm-up: first-touch pages, connection setup
    try comm.barrier()
    let probeStart = now()
    try body()
    var probe = [now() - probeStart]
    try comm.allreduce(&probe, .maximum)
    let repetitions = max(5, min(200, Int(budget / max(probe[0], 1e-6))))
    var times: [Double] = []
    for _ in 0..<repetitions {
        try comm.barrier()
        let start = now()
        try body()
        times.append(now() - start)
    }
    try comm.allreduce(&times, .maximum)
    let sorted = times.sorted()
    return (sorted[sorted.count / 2], sorted[0])
}

/// The median time of `body`; see ``timings(budget:_:)``.
func measure(budget: Double, _ body: () throws -> Void) throws -> Double {
    try timings(budget: budget, body).median
}

func format(bytes: Int) -> String {
    bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) B"
}

func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

func fixed(_ value: Double, _ digits: Int) -> String {
    let scale = pow(10, Double(digits))
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

func report(_ line: String) { if comm.isRoot { print(line) } }

report("CortexDistributedBench: \(comm.size) processes, host of rank 0: \(comm.hostName)")
report("")
report("message    allreduce median (best)      busbw median (best)  |  bcast median    algbw")
let sizes = (quick ? [12, 16, 20, 22, 24] : [8, 10, 12, 14, 16, 18, 20, 21, 22, 23, 24, 25, 26]).map { 1 << $0 }
let busFactor = comm.size > 1 ? 2 * Double(comm.size - 1) / Double(comm.size) : 1
for bytes in sizes {
    let count = bytes / 4
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 1)
    let budget = quick ? 0.2 : 0.5
    let reduce = try timings(budget: budget) { try comm.allreduceSum(buffer) }
    let broadcast = try measure(budget: budget) { try comm.broadcast(buffer, from: 0) }
    let gigabytes = Double(bytes) / 1e9
    report(
        pad(format(bytes: bytes), 8) + pad(fixed(reduce.median * 1e6, 1), 12) + " us ("
            + pad(fixed(reduce.best * 1e6, 1), 8)
            + ")" + pad(fixed(busFactor * gigabytes / reduce.median, 2), 9) + " GB/s ("
            + pad(fixed(busFactor * gigabytes / reduce.best, 2), 5)
            + ")  |" + pad(fixed(broadcast * 1e6, 1), 11) + " us" + pad(fixed(gigabytes / broadcast, 2), 7) + " GB/s")
}

/// Parameters shaped like a real model's gradients: one per shape, with gradients set.
func parametersWithGradients(_ shapes: [[Int]]) -> [Parameter] {
    shapes.map { shape in
        let parameter = Parameter(Tensor(zeros: shape))
        parameter.grad = Tensor(repeating: 0.5, shape: shape)
        return parameter
    }
}

/// The median and best time of one averageGradients call (packing, allreduces, unpacking), and
/// the share of all calls' time spent inside the allreduces.
func reducerStep(
    _ parameters: [Parameter], bucketBytes: Int
) throws -> (step: Double, best: Double, share: Double, buckets: Int) {
    let reducer = try GradientReducer(parameters: parameters, communicator: comm, bucketBytes: bucketBytes)
    let step = try timings(budget: quick ? 0.5 : 1.5) { try reducer.averageGradients() }
    let s = reducer.statistics
    return (step.median, step.best, s.allreduceSeconds / (s.allreduceSeconds + s.packingSeconds), reducer.bucketCount)
}

report("")
report("GradientReducer.averageGradients, 10M parameters (40 MB), by bucket size")
report(" bucket   buckets   step median (best)   allreduce share")
let large = parametersWithGradients(Array(repeating: [500, 500], count: 40))
for bucketBytes in (quick ? [1 << 20, 4 << 20, 64 << 20] : [1 << 20, 2 << 20, 4 << 20, 8 << 20, 16 << 20, 64 << 20]) {
    let (step, best, share, buckets) = try reducerStep(large, bucketBytes: bucketBytes)
    report(
        pad(format(bytes: bucketBytes), 7) + pad("\(buckets)", 10) + pad(fixed(step * 1e3, 1), 10) + " ms ("
            + pad(fixed(best * 1e3, 1), 6) + ")" + pad(fixed(share * 100, 0), 12) + " %")
}

let cnn = Sequential(seed: 1) {
    Conv2D(filters: 32, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Conv2D(filters: 64, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 64, activation: .relu)
    Dense(units: 10, activation: .softmax)
}
try cnn.build(inputShape: [28, 28, 1])
let cnnShapes = cnn.trainableParameters.map(\.shape)
let cnnCount = cnnShapes.reduce(0) { $0 + $1.reduce(1, *) }
let (cnnStep, cnnBest, cnnShare, cnnBuckets) = try reducerStep(
    parametersWithGradients(cnnShapes), bucketBytes: GradientReducer.defaultBucketBytes)
report("")
report(
    "seed CNN (MNIST, \(cnnCount) parameters, \(format(bytes: cnnCount * 4))): averageGradients "
        + "\(fixed(cnnStep * 1e6, 1)) us per step (median; best \(fixed(cnnBest * 1e6, 1))), "
        + "\(fixed(cnnShare * 100, 0)) % of it in allreduce, "
        + "\(cnnBuckets) bucket\(cnnBuckets == 1 ? "" : "s")")

let hashed = Sequential(seed: 2) { Dense(units: 1000) }
try hashed.build(inputShape: [10_000])
let hashTime = try measure(budget: quick ? 0.3 : 1) { _ = hashed.parameterHash() }
report("parameterHash of 10M parameters: \(fixed(hashTime * 1e3, 1)) ms")
