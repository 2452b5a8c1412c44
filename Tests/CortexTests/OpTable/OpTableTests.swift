import Foundation
import Testing

@testable import Cortex

/// The checks every ``OpTable`` sample goes through. Each test runs once per sample, named
/// `<op> <sample label>`.
@Suite struct OpTableTests {
    /// (a) `backward()` agrees with central finite differences in Double.
    @Test(arguments: OpTable.samples)
    func gradientsMatchFiniteDifferences(_ sample: OpSample) {
        let outcome = GradientCheck.run(
            sample.function, inputs: sample.inputs, differentiable: sample.differentiable, settings: sample.settings)
        for failure in outcome.failures { Issue.record("\(sample.id): \(failure)") }
    }

    /// (b) The output has the shape the op's documentation gives, with or without recording.
    @Test(arguments: OpTable.samples)
    func outputShapeFollowsTheRule(_ sample: OpSample) {
        let (tracked, _) = sample.runTracked()
        #expect(tracked.shape == sample.outputShape, "\(sample.id)")
        #expect(sample.function(sample.inputs).shape == sample.outputShape, "\(sample.id)")
    }

    /// (c) Each differentiable input's gradient has that input's shape (broadcast gradients
    /// are summed back) and is finite.
    @Test(arguments: OpTable.samples)
    func gradientsHaveTheirInputsShapes(_ sample: OpSample) {
        let (output, parameters) = sample.runTracked()
        #expect(output.isTracked, "\(sample.id): the output of tracked inputs is untracked")
        output.backward(seed: Tensor(repeating: 1, shape: output.shape))
        for i in sample.differentiable {
            let gradient = parameters[i]?.grad
            #expect(gradient?.shape == sample.inputs[i].shape, "\(sample.id): input \(i)")
            #expect(gradient?.scalars.allSatisfy(\.isFinite) == true, "\(sample.id): input \(i)")
        }
    }

    /// (d) Untracked inputs, and parameters that are not trainable, give an untracked output
    /// and no gradient; each differentiable input tracked alone gets the same gradient as when
    /// all are tracked (the ops' `tracked` masks pick the right gradients).
    @Test(arguments: OpTable.samples)
    func untrackedInputsGiveNoGradient(_ sample: OpSample) {
        #expect(!sample.function(sample.inputs).isTracked, "\(sample.id): plain inputs")
        let frozen = sample.inputs.map { Parameter($0, isTrainable: false) }
        let frozenOutput = sample.function(frozen.map(\.tensor))
        #expect(!frozenOutput.isTracked, "\(sample.id): frozen parameters")
        frozenOutput.backward(seed: Tensor(repeating: 1, shape: frozenOutput.shape))
        #expect(frozen.allSatisfy { $0.grad == nil }, "\(sample.id): a frozen parameter got a gradient")

        let (all, parameters) = sample.runTracked()
        let seed = uniform(all.shape, seed: 3)
        all.backward(seed: seed)
        for i in sample.differentiable {
            let alone = sample.inputs.indices.map { $0 == i ? Parameter(sample.inputs[$0]) : frozen[$0] }
            let output = sample.function(alone.map(\.tensor))
            #expect(output.isTracked, "\(sample.id): input \(i) tracked alone")
            output.backward(seed: seed)
            for (j, p) in alone.enumerated() where j != i {
                #expect(p.grad == nil, "\(sample.id): input \(j) got a gradient while only input \(i) was tracked")
            }
            guard let expected = parameters[i]?.grad, let actual = alone[i].grad else {
                Issue.record("\(sample.id): no gradient for input \(i)")
                continue
            }
            expectClose(actual, expected, tolerance: 1e-6)
        }
    }

    /// (e) `withoutGradients` records nothing: the output is untracked, its values are the
    /// recorded run's, and no parameter gets a gradient.
    @Test(arguments: OpTable.samples)
    func withoutGradientsRecordsNothing(_ sample: OpSample) {
        let parameters = sample.inputs.map { Parameter($0) }
        let recorded = sample.function(parameters.map(\.tensor))
        let unrecorded = withoutGradients { sample.function(parameters.map(\.tensor)) }
        #expect(!unrecorded.isTracked, "\(sample.id)")
        #expect(unrecorded.shape == recorded.shape, "\(sample.id)")
        #expect(unrecorded.scalars == recorded.scalars, "\(sample.id): values differ from the recorded run")
        unrecorded.backward(seed: Tensor(repeating: 1, shape: unrecorded.shape))
        #expect(parameters.allSatisfy { $0.grad == nil }, "\(sample.id)")
    }

    /// (f) A broadcasting op equals the same op on inputs expanded to the output shape, and
    /// each input's gradient is the expanded input's gradient summed over the broadcast axes.
    @Test(arguments: OpTable.samples.filter(\.broadcasts))
    func broadcastingEqualsExpandedInputs(_ sample: OpSample) {
        let direct = sample.runTracked()
        let shape = direct.output.shape
        let viaExpanded = sample.runTracked(sample.inputs.map { expanded($0, to: shape) })
        #expect(direct.output.scalars == viaExpanded.output.scalars, "\(sample.id)")
        let seed = uniform(shape, seed: 5)
        direct.output.backward(seed: seed)
        viaExpanded.output.backward(seed: seed)
        for i in sample.differentiable {
            guard let g = direct.parameters[i]?.grad, let e = viaExpanded.parameters[i]?.grad else {
                Issue.record("\(sample.id): missing gradient for input \(i)")
                continue
            }
            expectClose(g, summed(e, to: sample.inputs[i].shape), tolerance: 1e-5)
        }
    }

    /// Every differentiable declaration in `Sources/Cortex/Tensor/` and every loss in
    /// `Sources/Cortex/Losses/` has an entry, so a new op cannot go unchecked; every entry names
    /// one of them.
    @Test func everyDifferentiableDeclarationHasAnEntry() throws {
        let declared = try Declarations.scan()
        #expect(declared.count > 50, "the scan found only \(declared)")
        let entries = Set(OpTable.all.map(\.name))
        for name in declared.sorted() where !entries.contains(name) && OpTable.exempt[name] == nil {
            Issue.record("\(name) is declared in Sources/Cortex but has no OpTable entry (or exemption)")
        }
        for name in entries.subtracting(declared).sorted() {
            Issue.record("OpTable entry \(name) matches no declaration in Sources/Cortex/Tensor or Losses")
        }
    }

    /// Samples have unique names, valid differentiable indices and at least one of them.
    @Test func entriesAreWellFormed() {
        let ids = OpTable.samples.map(\.id)
        #expect(
            Set(ids).count == ids.count,
            "duplicate sample names: \(Dictionary(grouping: ids) { $0 }.filter { $1.count > 1 }.keys)")
        #expect(Set(OpTable.all.map(\.name)).count == OpTable.all.count, "an op is listed twice")
        for sample in OpTable.samples {
            #expect(!sample.differentiable.isEmpty, "\(sample.id)")
            #expect(sample.differentiable.allSatisfy { sample.inputs.indices.contains($0) }, "\(sample.id)")
        }
    }
}

extension OpSample {
    /// The op on `inputs` (by default its own), with its differentiable inputs as parameters.
    func runTracked(_ inputs: [Tensor]? = nil) -> (output: Tensor, parameters: [Parameter?]) {
        let inputs = inputs ?? self.inputs
        let parameters = inputs.indices.map { differentiable.contains($0) ? Parameter(inputs[$0]) : nil }
        return (function(inputs.indices.map { parameters[$0]?.tensor ?? inputs[$0] }), parameters)
    }
}

/// `x` repeated along its size-1 and missing leading axes to `shape` (NumPy broadcasting),
/// written independently of the library's broadcasting.
func expanded(_ x: Tensor, to shape: [Int]) -> Tensor {
    let lead = shape.count - x.rank
    let values = x.scalars
    let count = shape.reduce(1, *)
    var out = [Float](repeating: 0, count: count)
    for o in 0..<count {
        let index = GradientCheck.multiIndex(o, shape)
        var offset = 0
        for axis in 0..<x.rank {
            offset = offset * x.shape[axis] + (x.shape[axis] == 1 ? 0 : index[lead + axis])
        }
        out[o] = values[offset]
    }
    return Tensor(out, shape: shape)
}

/// `g` summed over the axes along which a tensor of `shape` was broadcast to `g.shape`.
func summed(_ g: Tensor, to shape: [Int]) -> Tensor {
    let lead = g.rank - shape.count
    var out = [Double](repeating: 0, count: shape.reduce(1, *))
    for (o, v) in g.scalars.enumerated() {
        let index = GradientCheck.multiIndex(o, g.shape)
        var offset = 0
        for axis in shape.indices { offset = offset * shape[axis] + (shape[axis] == 1 ? 0 : index[lead + axis]) }
        out[offset] += Double(v)
    }
    return Tensor(out.map(Float.init), shape: shape)
}

/// What the op table must cover: the functions, operators and subscripts declared in
/// `Sources/Cortex/Tensor/`, as selectors (`sum(alongAxes:)`; for operators and subscripts the
/// operand types, `+(Tensor,Float)`), public ones and top-level internal ones; and the loss
/// types of `Sources/Cortex/Losses/` by name.
enum Declarations {
    static func scan() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // OpTable
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Cortex")
        var names = Set<String>()
        for (folder, scan) in [("Tensor", declarations(in:)), ("Losses", lossTypes(in:))] {
            let url = sources.appendingPathComponent(folder)
            for file in try FileManager.default.contentsOfDirectory(atPath: url.path) where file.hasSuffix(".swift") {
                names.formUnion(scan(try String(contentsOf: url.appendingPathComponent(file), encoding: .utf8)))
            }
        }
        return names
    }

    /// Public structs that conform to `LossFunction` (directly or through a refinement).
    static func lossTypes(in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"public struct (\w+)\s*:[^{]*LossFunction"#)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
            ns.substring(with: $0.range(at: 1))
        }
    }

    static func declarations(in text: String) -> [String] {
        let pattern =
            #"(?m)^(?:(\s*)public\s+(?:static\s+|mutating\s+|prefix\s+|postfix\s+)*(func\s+(\S+?)|subscript)|()func\s+(\S+?))\s*(?:<[^>(]*>)?\s*\("#
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            func group(_ i: Int) -> String? {
                match.range(at: i).location == NSNotFound ? nil : ns.substring(with: match.range(at: i))
            }
            let name = group(3) ?? group(5) ?? "subscript"
            let parameters = splitParameters(ns.substring(from: match.range.location + match.range.length))
            let isNamed = name.first.map { $0.isLetter || $0 == "_" } ?? false
            if name == "subscript" || !isNamed {
                let types = parameters.map { p in
                    p.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                }
                return "\(name)(\(types.joined(separator: ",")))"
            }
            let labels = parameters.map { p in
                String(p.split(separator: " ").first ?? "").replacingOccurrences(of: ":", with: "")
            }
            return "\(name)(\(labels.map { "\($0):" }.joined()))"
        }
    }

    /// The parameters of a declaration whose text starts after its opening parenthesis, each
    /// without its default value.
    static func splitParameters(_ text: String) -> [String] {
        var depth = 0, current = "", result: [String] = [], previous: Character = " "
        for c in text {
            defer { previous = c }
            if depth == 0 && (c == ")" || c == ",") {
                let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty {
                    result.append(
                        String(trimmed.split(separator: "=", maxSplits: 1)[0]).trimmingCharacters(in: .whitespaces))
                }
                current = ""
                if c == ")" { break }
                continue
            }
            if "([{<".contains(c) { depth += 1 }
            if ")]}".contains(c) || (c == ">" && previous != "-") { depth -= 1 }
            current.append(c)
        }
        return result
    }
}
