// libFuzzer entry point for the file readers: `make fuzz`. Every input goes through the
// safetensors, .npy and .npz readers; a crash, hang or sanitizer report is a bug. Thrown
// CortexErrors are the expected outcome for malformed input.
import Cortex
import Foundation

#if CORTEX_FUZZ
    /// libFuzzer's driver, linked in by -sanitize=fuzzer; SwiftPM owns `main`, so this calls it.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzReaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let data else { return 0 }
        let bytes = Array(UnsafeBufferPointer(start: data, count: size))
        _ = try? SafeTensors.decode(bytes, source: "fuzz")
        _ = try? NumPy.decode(bytes, source: "fuzz")
        _ = try? NumPy.decodeArchive(bytes, source: "fuzz")
        return 0
    }

    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv) { fuzzReaders($0, $1) })
#else
    print("CortexFuzz needs libFuzzer: run `make fuzz`, which builds it with -sanitize=fuzzer -D CORTEX_FUZZ.")
    exit(2)
#endif
