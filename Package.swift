// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Cortex",
    products: [
        .library(name: "Cortex", targets: ["Cortex"]),
        // Data-parallel training on Open MPI; the core library keeps no MPI dependency.
        .library(name: "CortexDistributed", targets: ["CortexDistributed"]),
    ],
    dependencies: [
        // `make docs` builds the DocC site with it; no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0")
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
        // Open MPI's C API, from Debian's libopenmpi-dev (headers outside the default path: pkg-config).
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        // Header-only vector helpers (an element-wise square root that vectorizes).
        .target(name: "CCortexShims"),
        .target(
            name: "Cortex",
            dependencies: ["COpenBLAS", "CZlib", "CCortexShims"]
        ),
        .target(
            name: "CortexDistributed",
            dependencies: ["Cortex", "CMPI"]
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
        .executableTarget(
            name: "LanguageID",
            dependencies: ["Cortex"],
            path: "Examples/LanguageID"
        ),
        // Exports models to ONNX with Cortex's predictions; `make interop` checks them in ONNX Runtime.
        .executableTarget(
            name: "ONNXExportCheck",
            dependencies: ["Cortex"],
            path: "Tests/Interop/ONNXExportCheck"
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
        // Reports the BLAS kernels in use; the kernel selection test runs it as a child process.
        .executableTarget(
            name: "BLASCoreProbe",
            dependencies: ["Cortex"],
            path: "Tests/BLASCoreProbe"
        ),
        // Trains while another thread changes Cortex.threadCount; run by the threading test
        // and, under AddressSanitizer, by `make sanitize`.
        .executableTarget(
            name: "ThreadCountStress",
            dependencies: ["Cortex"],
            path: "Tests/ThreadCountStress"
        ),
        // Run under mpirun by `make test-distributed` (Swift Testing does not run under mpirun).
        .executableTarget(
            name: "CortexDistributedChecks",
            dependencies: ["CortexDistributed", "Cortex"],
            path: "Tests/DistributedTests",
            exclude: ["run.sh"]
        ),
        .executableTarget(
            name: "CortexDistributedBench",
            dependencies: ["CortexDistributed", "Cortex"],
            path: "Benchmarks/CortexDistributedBench"
        ),
        .testTarget(
            name: "CortexTests",
            dependencies: [
                "Cortex", "COpenBLAS", "SaveStress", "BLASCoreProbe", "ThreadCountStress", "LanguageID", "HostileFiles",
                "ReadProbe",
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
