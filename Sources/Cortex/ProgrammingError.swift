/// Stops the program on a programming error (a shape that cannot fit, an argument out of its
/// range) with `message`, in release builds too: there `precondition` drops its message, and a
/// user who sees only "precondition failure" cannot tell what was wrong. Errors that depend on
/// data or files are thrown as ``CortexError`` instead.
@inline(__always)
func check(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if _slowPath(!condition()) { programmingError(message(), file: file, line: line) }
}

/// Stops with `message`; see `check`.
@inline(never)
func programmingError(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError(message, file: file, line: line)
}
