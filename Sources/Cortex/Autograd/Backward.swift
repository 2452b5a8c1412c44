extension Tensor {
    /// Computes the gradient of this scalar with respect to every tracked parameter it depends
    /// on, and adds it to each parameter's `grad`.
    ///
    /// The graph is released afterwards: calling `backward()` twice on the same result is a
    /// programming error, as in PyTorch without `retain_graph`.
    public func backward() {
        check(count == 1, "backward() needs a scalar, got shape \(shape)")
        backward(seed: Tensor(repeating: 1, shape: shape))
    }

    /// Back-propagates `seed`, the gradient of some scalar with respect to this tensor.
    public func backward(seed: Tensor) {
        check(seed.shape == shape, "backward(seed:) got shape \(seed.shape) for a tensor of shape \(shape)")
        guard let root = node else { return }
        let order = Tensor.topologicalOrder(from: root)
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed.detached]
        withoutGradients {
            for node in order.reversed() {
                guard let gradient = gradients.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                if let parameter = node.parameter {
                    parameter.accumulate(gradient)
                    continue
                }
                guard let backward = node.backward else {
                    programmingError("backward() reached a graph already released by an earlier backward()")
                }
                let inputGradients = backward(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    let key = ObjectIdentifier(input)
                    if var existing = gradients.removeValue(forKey: key) {
                        existing.addInPlace(inputGradient)  // fan-out: sum the contributions
                        gradients[key] = existing
                    } else {
                        gradients[key] = inputGradient
                    }
                }
            }
        }
        // Free the saved activations now rather than when the last tensor referencing them dies.
        for node in order where node.parameter == nil {
            node.backward = nil
            node.inputs = []
        }
    }

    /// Nodes ordered so that every node comes after all of its inputs.
    private static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                let child = node.inputs[next]
                if visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}
