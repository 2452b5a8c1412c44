// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Cortex",
    products: [
        .library(name: "Cortex", targets: ["Cortex"])
    ],
    targets: [
        // CBLAS and LAPACKE from Debian's libopenblas-dev and liblapacke-dev.
        .systemLibrary(
            name: "COpenBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // zlib, for reading gzip-compressed data files (IDX, CSV).
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Header-only vector helpers (an element-wise square root that vectorizes).
        .target(name: "CCortexShims"),
        .target(
            name: "Cortex",
            dependencies: ["COpenBLAS", "CZlib", "CCortexShims"]
        ),
        .executableTarget(
            name: "CortexBench",
            dependencies: ["Cortex", "COpenBLAS"],
            path: "Benchmarks/CortexBench"
        ),
        .executableTarget(
            name: "MNISTDemo",
            dependencies: ["Cortex"],
            path: "Examples/MNISTDemo"
        ),
        .executableTarget(
            name: "SequenceDemo",
            dependencies: ["Cortex"],
            path: "Examples/SequenceDemo"
        ),
        .executableTarget(
            name: "OverfittingDemo",
            dependencies: ["Cortex"],
            path: "Examples/OverfittingDemo"
        ),
        // libFuzzer target for every file reader; built for fuzzing only by `make fuzz` (-sanitize=fuzzer).
        .executableTarget(
            name: "CortexFuzz",
            dependencies: ["Cortex", "HostileFiles"],
            path: "Tests/Fuzz"
        ),
        // The hostile-file corpus (a generator, not stored files) and the model it loads into.
        .target(
            name: "HostileFiles",
            dependencies: ["Cortex", "CZlib"],
            path: "Tests/HostileFiles"
        ),
        // Loads one file in a fresh process and reports its peak memory; the corpus test runs it.
        .executableTarget(
            name: "ReadProbe",
            dependencies: ["Cortex", "HostileFiles"],
            path: "Tests/ReadProbe"
        ),
        // Saves in a loop until killed; the kill test runs it as a child process.
        .executableTarget(
            name: "SaveStress",
            dependencies: ["Cortex"],
            path: "Tests/SaveStress"
        ),
        .testTarget(
            name: "CortexTests",
            dependencies: ["Cortex", "COpenBLAS", "SaveStress", "HostileFiles", "ReadProbe"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
