/// One recorded operation in the autograd graph.
///
/// A node knows the nodes of its tracked inputs and a closure that maps the gradient of its
/// output to the gradients of those inputs. A leaf node stands for a ``Parameter``.
final class GradNode {
    /// The nodes of the inputs, in the order that `backward` returns their gradients.
    var inputs: [GradNode]
    /// Maps the output gradient to one gradient per input (same order as `inputs`).
    var backward: ((Tensor) -> [Tensor])?
    /// The parameter this leaf stands for.
    weak var parameter: Parameter?

    init(inputs: [GradNode], backward: @escaping (Tensor) -> [Tensor]) {
        self.inputs = inputs
        self.backward = backward
    }

    init(parameter: Parameter) {
        self.inputs = []
        self.parameter = parameter
    }
}

extension Tensor {
    /// Attaches a node to `result` when any of `inputs` is tracked and recording is on.
    ///
    /// `backward` receives the output gradient and a mask of which inputs are tracked, and
    /// returns a gradient for each tracked input, in order (untracked ones are skipped).
    @inline(__always)
    /// Whether `recording` with these inputs will attach a node (so the op must keep what its
    /// backward pass needs).
    static func willRecord(inputs: [Tensor]) -> Bool {
        GradientMode.isRecording && inputs.contains { $0.node != nil }
    }

    static func recording(
        _ result: Tensor, inputs: [Tensor], backward: @escaping (Tensor, [Bool]) -> [Tensor]
    ) -> Tensor {
        guard GradientMode.isRecording else { return result }
        var tracked = [Bool](repeating: false, count: inputs.count)
        var nodes: [GradNode] = []
        for (i, input) in inputs.enumerated() {
            if let node = input.node {
                tracked[i] = true
                nodes.append(node)
            }
        }
        guard !nodes.isEmpty else { return result }
        var result = result
        result.node = GradNode(inputs: nodes) { gradient in backward(gradient, tracked) }
        return result
    }
}
