// Hostile CSV files, plain and gzipped (issue 19, items 4 and 10).
import Cortex
import Foundation

extension HostileCorpus {
    static func csvCases() -> [HostileCase] {
        func c(
            _ name: String, _ expectation: HostileCase.Expectation, limits: ReadLimits? = nil, large: Bool = false,
            gzip: Bool = false,
            _ make: @escaping @Sendable () throws -> [UInt8]
        ) -> HostileCase {
            HostileCase(
                name, .csv, file: gzip ? "t.csv.gz" : "t.csv", .bytes(make), expectation, limits: limits, large: large)
        }
        func text(_ s: String) -> @Sendable () -> [UInt8] { { Array(s.utf8) } }
        func notNumber(_ field: String) -> HostileCase.Expectation { .refused("\"\(field)\" is not a number") }
        /// A gzip stream of `count` copies of `unit`, made without holding them.
        @Sendable func repeated(_ unit: String, count: Int, head: String = "") -> [UInt8] {
            let pattern = Array(unit.utf8), start = Array(head.utf8)
            let block = [UInt8]((0..<(1 << 20)).map { pattern[$0 % pattern.count] })
            let total = start.count + count * pattern.count
            return compress(count: total, gzip: true, level: 1) { offset, length in
                offset == 0 ? start + Array(block.prefix(length - start.count)) : Array(block.prefix(length))
            }.bytes
        }
        return [
            c("empty", .refused("empty file"), text("")),
            c("blank-lines-only", .refused("empty file"), text("\n\n  \n\r\n")),
            c("header-only", .refused("no data rows"), text("a,target\n")),
            c("no-target", .refused("no column named \"target\""), text("a,b\n1,2\n")),
            c("ragged-short", .refused("line 3: 1 fields, expected 2"), text("a,target\n1,2\n3\n")),
            c("ragged-long", .refused("line 2: 3 fields, expected 2"), text("a,target\n1,2,3\n")),
            c("nan", notNumber("nan"), text("a,target\nnan,1\n")),
            c("NaN", notNumber("NaN"), text("a,target\n1,NaN\n")),
            c("inf", notNumber("inf"), text("a,target\ninf,1\n")),
            c("minus-infinity", notNumber("-infinity"), text("a,target\n-infinity,1\n")),
            c("1e39", .refused("column a: 1e39 is beyond Float's range"), text("a,target\n1e39,1\n")),
            c(
                "minus-1e39-target", .refused("column target: -1e39 is beyond Float's range"),
                text("a,target\n1,-1e39\n")),
            c("1e-50-rounds-to-zero", .accepted("rows=1"), text("a,target\n1e-50,1\n")),
            c("nul-in-field", notNumber("1\\x00"), text("a,target\n1\u{0},2\n")),
            c("nul-then-digits", notNumber("1\\x0023"), text("a,target\n1\u{0}23,2\n")),
            c("hex-float", notNumber("0x1p3"), text("a,target\n0x1p3,1\n")),
            c("quoted-number", notNumber("\"1\""), text("a,target\n\"1\",1\n")),
            c("two-points", notNumber("1.2.3"), text("a,target\n1.2.3,1\n")),
            c("lone-point", notNumber("."), text("a,target\n.,1\n")),
            c("bare-exponent", notNumber("1e"), text("a,target\n1e,1\n")),
            c("lone-sign", notNumber("+"), text("a,target\n+,1\n")),
            c("empty-field", notNumber(""), text("a,target\n1,\n")),
            c("space-inside", notNumber("1 2"), text("a,target\n1 2,1\n")),
            c("non-ascii-digit", .refused("is not a number"), text("a,target\n\u{0661},1\n")),
            c("blank-lines-counted", .refused("line 6, column a: \"x\""), text("a,target\n\n1,2\n\n\nx,1\n")),
            c("crlf-line-numbers", .refused("line 3, column target"), text("a,target\r\n1,2\r\n3,y\r\n")),
            c("cr-line-endings", .accepted("rows=2"), text("a,target\r1,2\r3,4\r")),
            c("byte-order-mark", .accepted("rows=1 features=1"), text("\u{FEFF}a,target\n1,2\n")),
            c("whitespace-lines-and-fields", .accepted("rows=2"), text("a , target\n 1 ,\t2\n   \n3,4")),
            c("header-not-utf8", .refused("header is not UTF-8")) {
                Array("a,target".utf8) + [0xFF, 0x0A, 0x31, 0x2C, 0x32]
            },
            c("field-too-long", .refused("a field longer than 256 bytes")) {
                Array(("a,target\n" + String(repeating: "1", count: 300) + ",1\n").utf8)
            },
            c("million-fields-row", .refused("line 2: 1000001 fields, expected 2"), large: true) {
                Array(("a,target\n" + String(repeating: "1,", count: 1_000_000) + "1\n").utf8)
            },
            c("million-columns-no-target", .refused("and 999990 more"), large: true) {
                Array((String(repeating: "c,", count: 999_999) + "c\n1\n").utf8)
            },
            c("header-17-mib", .refused("header line is longer than the read limit of 16777216"), large: true) {
                Array(repeating: 0x61, count: 17 << 20)
            },
            c(
                "values-above-limit", .refused("more than the read limit of 5 values"),
                limits: ReadLimits(maximumElements: 5),
                text("a,target\n1,2\n3,4\n5,6\n")),
            c("gzip-valid", .accepted("rows=2"), gzip: true) {
                compress(Array("a,target\n1,2\n3,4\n".utf8), gzip: true)
            },
            c("gzip-truncated", .refused("truncated gzip stream"), gzip: true) {
                Array(
                    compress(Array(("a,target\n" + String(repeating: "1,2\n", count: 1000)).utf8), gzip: true).dropLast(
                        12))
            },
            c(
                "gzip-newline-bomb-1.1-gb", .refused("more than the read limit of 1073741824 bytes once decompressed"),
                large: true, gzip: true
            ) { repeated("\n", count: 1_100_000_000) },
            c(
                "gzip-newline-bomb-lowered-limit", .refused("read limit of 1048576 bytes once decompressed"),
                limits: ReadLimits(maximumBytes: 1 << 20), large: true, gzip: true
            ) { repeated("\n", count: 100_000_000) },
            c(
                "gzip-rows-bomb-lowered-limit", .refused("more than the read limit of 100000 values"),
                limits: ReadLimits(maximumElements: 100_000), large: true, gzip: true
            ) {
                repeated("1,2\n", count: 10_000_000, head: "a,target\n")
            },
        ]
    }
}
