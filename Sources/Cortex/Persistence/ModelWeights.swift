import Foundation

extension Module {
    /// Saves every parameter to a safetensors file, named `<layer name>.<parameter name>`
    /// (`conv2d.kernel`, `dense_1.bias`, ...), in Keras's layouts. The file is written atomically.
    public func save(to url: URL) throws {
        let named = try builtParameters(for: "save")
        let bytes = SafeTensors.encode(named.map { ($0.0, $0.1.value) }, metadata: ["format": "cortex", "model": name])
        try AtomicFile.write(bytes, to: url)
    }

    /// Loads weights saved by ``save(to:)`` (or by any tool writing safetensors with the same
    /// names and shapes). The file is read under ``ReadLimits`` and validated completely first;
    /// on any problem a ``CortexError`` names the file and the problem, and the model keeps its
    /// weights.
    public func loadWeights(from url: URL) throws {
        let (tensors, _) = try SafeTensors.read(url)
        let plan = try matchParameters(tensors, prefix: "", source: url.path)
        for (parameter, value) in plan { parameter.value = value }
    }

    /// The named parameters, or an error when the model has none yet or two layers share a name.
    func builtParameters(for action: String) throws -> [(String, Parameter)] {
        try checkLayerNames()
        let named = namedParameters
        guard !named.isEmpty else {
            throw CortexError(
                .invalidArgument, "\(name) has no parameters to \(action): call build(inputShape:) or run it once first"
            )
        }
        return named
    }

    /// Pairs each model parameter with the file tensor `prefix + name`, checking that every
    /// parameter is present with its shape and that the file holds nothing else under `prefix`.
    func matchParameters(_ tensors: [(String, Tensor)], prefix: String, source: String) throws -> [(Parameter, Tensor)]
    {
        let named = try builtParameters(for: "load")
        let inFile = Dictionary(
            tensors.filter { $0.0.hasPrefix(prefix) }.map { (String($0.0.dropFirst(prefix.count)), $0.1) },
            uniquingKeysWith: { a, _ in a })
        let expected = Set(named.map(\.0))
        // Lists in messages stop after ten names: a hostile file may hold a million.
        func list(_ names: [String]) -> String {
            names.prefix(10).joined(separator: ", ") + (names.count > 10 ? " and \(names.count - 10) more" : "")
        }
        let missing = named.map(\.0).filter { inFile[$0] == nil }
        guard missing.isEmpty else {
            throw CortexError(.invalidFile, "\(source): missing \(list(missing)) that \(name) needs")
        }
        let unexpected = inFile.keys.filter { !expected.contains($0) }.sorted()
        guard unexpected.isEmpty else {
            throw CortexError(.invalidFile, "\(source): holds \(list(unexpected)) that \(name) does not have")
        }
        return try named.map { key, parameter in
            let value = inFile[key]!
            guard value.shape == parameter.shape else {
                throw CortexError(
                    .shapeMismatch, "\(source): \(key) has shape \(value.shape) but \(name) expects \(parameter.shape)")
            }
            return (parameter, value)
        }
    }
}
