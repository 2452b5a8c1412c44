// Hostile .npy files.
import Cortex
import Foundation

extension HostileCorpus {
    static func header(_ shape: String, descr: String = "<f4", fortran: String = "False") -> String {
        "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }"
    }

    static func npyCases() -> [HostileCase] {
        func c(
            _ name: String, _ expectation: HostileCase.Expectation, limits: ReadLimits? = nil,
            _ make: @escaping @Sendable () -> [UInt8]
        ) -> HostileCase {
            HostileCase(name, .npy, file: "a.npy", .bytes(make), expectation, limits: limits)
        }
        let six = f32([0, 1.5, 3, 4.5, 6, 7.5])
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        return [
            c("empty", .refused("bad magic")) { [] },
            c("magic-only", .refused("bad magic")) { magic },
            c("text", .refused("bad magic")) { Array("not a numpy file at all".utf8) },
            c("version-0", .refused("unsupported .npy version 0")) {
                magic + [0, 0, 10, 0] + Array("{}        ".utf8)
            },
            c("version-4", .refused("unsupported .npy version 4")) { magic + [4, 0, 0, 0, 0, 0] },
            c("version-255", .refused("unsupported .npy version 255")) { magic + [255, 255, 0, 0, 0, 0] },
            c("v1-length-past-end", .refused("runs past the end")) { npy(header("(2, 3)"), declaredLength: 0xFFFF) },
            c("v2-length-4-gib", .refused("exceeds the read limit")) {
                npy(header("(2, 3)"), data: six, major: 2, declaredLength: 0xFFFF_FFFF)
            },
            c("v3-length-above-limit", .refused("exceeds the read limit")) {
                npy(header("(2, 3)"), data: six, major: 3, declaredLength: (1 << 24) + 1)
            },
            c("v2-truncated-length", .refused("truncated header length")) { magic + [2, 0, 1, 0] },
            c("header-list", .refused("malformed header")) { npy("['descr', 'shape']", data: six) },
            c("header-lacks-shape", .refused("lacks")) { npy("{'descr': '<f4', 'fortran_order': False}", data: six) },
            c("fortran-maybe", .refused("neither True nor False")) {
                npy(header("(2, 3)", fortran: "Maybe"), data: six)
            },
            c("shape-letter", .refused("non-integer")) { npy(header("(x,)"), data: six) },
            c("shape-negative", .refused("non-integer")) { npy(header("(-1,)"), data: six) },
            c("shape-17-digits", .refused("non-integer")) { npy(header("(12345678901234567,)"), data: six) },
            c("shape-float", .refused("non-integer")) { npy(header("(2.5,)"), data: six) },
            c("shape-overflow-2^64", .refused("larger than the file")) {
                npy(header("(4294967296, 4294967296)"), data: six)
            },
            c("shape-overflow-just", .refused("larger than the file")) {
                npy(header("(3037000500, 3037000500, 2)"), data: six)
            },
            c("shape-2^40", .refused("larger than the file")) { npy(header("(1099511627776,)"), data: six) },
            c("shape-65-dimensions", .refused("more than 64 dimensions")) {
                npy(header("(" + Array(repeating: "1", count: 65).joined(separator: ", ") + ")"), data: f32([1]))
            },
            c("shape-unclosed", .refused("non-integer")) {
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3")
            },
            c("descr-object", .refused("unsupported dtype '|O'")) { npy(header("(2,)", descr: "|O"), data: noise(16)) },
            c("descr-complex", .refused("unsupported dtype")) { npy(header("(2,)", descr: "<c8"), data: noise(16)) },
            c("descr-f3", .refused("unsupported dtype")) { npy(header("(2,)", descr: "<f3"), data: noise(6)) },
            c("descr-unicode", .refused("unsupported dtype")) { npy(header("(2,)", descr: "<U10"), data: noise(80)) },
            c("descr-huge-size", .refused("unsupported dtype")) {
                npy(header("(2,)", descr: "<f99999999999999999999"), data: noise(8))
            },
            c("descr-structured", .refused("expected a string")) {
                npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", data: f32([1, 2]))
            },
            c("key-quote-missing", .refused("malformed header")) { npy("{'descr: '<f4, 'shape': (2,)}") },
            c("unterminated-string", .refused("unterminated string")) { npy("{'descr': '<f4", pad: false) },
            c("descr-not-utf8", .refused("not a short UTF-8 name")) {
                npy(
                    bytes: Array("{'descr': '".utf8) + [0xFF, 0xFE]
                        + Array("', 'fortran_order': False, 'shape': (2,), }".utf8))
            },
            c("header-nul", .refused("malformed header")) {
                npy("{'descr': '<f4'\u{0}, 'fortran_order': False, 'shape': (2, 3), }", data: six)
            },
            c("unexpected-key", .refused("unexpected header key")) {
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", data: six)
            },
            c("data-short", .refused("needs 24 data bytes but the file has 23")) {
                npy(header("(2, 3)"), data: Array(six.dropLast()))
            },
            c("data-long", .refused("needs 24 data bytes but the file has 25")) {
                npy(header("(2, 3)"), data: six + [0])
            },
            c("scalar", .accepted("shape=[]")) { npy(header("()", descr: "<f8"), data: noise(8)) },
            c("zero-size", .accepted("shape=[0, 3]")) { npy(header("(0, 3)")) },
            c("big-endian-fortran", .accepted("shape=[2, 3]")) {
                npy(header("(2, 3)", descr: ">i2", fortran: "True"), data: noise(12))
            },
            c("nan-and-inf-values", .accepted("shape=[3]")) {
                npy(header("(3,)"), data: f32([.nan, .infinity, -.infinity]))
            },
            c("python2-long-shape", .accepted("shape=[2, 3]")) { npy(header("(2L, 3L)"), data: six) },
            c("elements-above-limit", .refused("above the read limit of 100"), limits: ReadLimits(maximumElements: 100))
            {
                npy(header("(101,)", descr: "|u1"), data: noise(101))
            },
            c(
                "file-above-limit", .refused("above the read limit of 1000 bytes"),
                limits: ReadLimits(maximumBytes: 1000)
            ) {
                npy(header("(500,)", descr: "<f4"), data: noise(2000))
            },
            c(
                "header-above-limit", .refused("exceeds the read limit of 64 bytes"),
                limits: ReadLimits(maximumHeaderBytes: 64)
            ) {
                npy(header("(2, 3)") + String(repeating: " ", count: 100), data: six)
            },
        ]
    }
}
