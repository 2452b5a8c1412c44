import COpenBLAS

/// Thin wrappers over the LAPACKE routines Cortex uses (row-major).
enum LAPACK {
    /// Householder QR of the row-major `[rows, cols]` matrix `a` in place (`sgeqrf`).
    static func householderQR(_ a: inout [Float], rows: Int, cols: Int, tau: inout [Float]) {
        BLASRuntime.prepare()
        let info = a.withUnsafeMutableBufferPointer { ap in
            tau.withUnsafeMutableBufferPointer { tp in
                LAPACKE_sgeqrf(LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), ap.baseAddress, Int32(cols), tp.baseAddress)
            }
        }
        check(info == 0, "sgeqrf failed with info \(info)")
    }

    /// Overwrites `a` (the output of `householderQR`) with the explicit Q `[rows, cols]` (`sorgqr`).
    static func formQ(_ a: inout [Float], rows: Int, cols: Int, tau: inout [Float]) {
        BLASRuntime.prepare()
        let info = a.withUnsafeMutableBufferPointer { ap in
            tau.withUnsafeMutableBufferPointer { tp in
                LAPACKE_sorgqr(
                    LAPACK_ROW_MAJOR, Int32(rows), Int32(cols), Int32(cols), ap.baseAddress, Int32(cols), tp.baseAddress
                )
            }
        }
        check(info == 0, "sorgqr failed with info \(info)")
    }
}
