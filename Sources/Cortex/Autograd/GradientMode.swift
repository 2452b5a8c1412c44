/// Whether operations record the autograd graph on the current task or thread.
enum GradientMode {
    @TaskLocal static var isRecording = true
}

/// Runs `body` without recording any autograd graph: the tensors it makes are untracked.
///
/// ```swift
/// let prediction = withoutGradients { model(x) }
/// ```
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$isRecording.withValue(false, operation: body)
}
