// Hostile checkpoints for the probe model: lying metadata, missing or extra optimizer slots,
// optimizers that do not match (issue 19, items 3 and 9).
import Cortex
import Foundation

extension HostileCorpus {
    /// A valid checkpoint of the probe model trained with `optimizer`, edited by `edit`.
    static func checkpoint(
        _ optimizer: ProbeModel.OptimizerKind = .adam,
        _ edit: (inout [(String, Tensor)], inout [String: String]) -> Void = { _, _ in }
    ) throws -> [UInt8] {
        var (tensors, metadata) = try SafeTensors.decode(
            try ProbeModel.validFiles(optimizer).checkpoint, source: "checkpoint")
        edit(&tensors, &metadata)
        return SafeTensors.encode(tensors, metadata: metadata)
    }

    static func checkpointCases() -> [HostileCase] {
        func c(
            _ name: String, _ expectation: HostileCase.Expectation, model: ProbeModel.OptimizerKind = .adam,
            _ make: @escaping @Sendable () throws -> [UInt8]
        ) -> HostileCase {
            HostileCase(name, .checkpoint, file: "c.ckpt", .bytes(make), expectation, optimizer: model)
        }
        func meta(_ key: String, _ value: String?) -> @Sendable () throws -> [UInt8] {
            { try checkpoint { _, metadata in metadata[key] = value } }
        }
        func dropping(_ names: Set<String>) -> @Sendable () throws -> [UInt8] {
            { try checkpoint { tensors, _ in tensors.removeAll { names.contains($0.0) } } }
        }
        return [
            c("valid-adam", .accepted("epoch=1")) { try checkpoint() },
            c("valid-sgd", .accepted("epoch=1"), model: .sgd) { try checkpoint(.sgd) },
            c("valid-momentum", .accepted("epoch=1"), model: .momentum) { try checkpoint(.momentum) },
            c("no-format", .refused("is not a Cortex checkpoint"), meta("format", nil)),
            c("epoch-negative", .refused("no valid epoch"), meta("epoch", "-1")),
            c("epoch-text", .refused("no valid epoch"), meta("epoch", "one")),
            c("epoch-huge", .refused("no valid epoch"), meta("epoch", "99999999999999999999999")),
            c("random-state-missing", .refused("no valid random_state"), meta("random_state", nil)),
            c("random-state-3-words", .refused("no valid random_state"), meta("random_state", "1,2,3")),
            c("random-state-5-words", .refused("no valid random_state"), meta("random_state", "1,2,3,4,5")),
            c("random-state-letter", .refused("no valid random_state"), meta("random_state", "1,2,3,x")),
            c("random-state-space", .refused("no valid random_state"), meta("random_state", " 1,2,3,4")),
            c("random-state-empty-word", .refused("no valid random_state"), meta("random_state", "1,,3,4")),
            c("random-state-all-zero", .refused("all-zero random_state"), meta("random_state", "0,0,0,0")),
            c(
                "optimizer-kind", .refused("holds SGD state but the model is compiled with Adam"),
                meta("optimizer", "SGD")),
            c("iterations-negative", .refused("no valid optimizer_iterations"), meta("optimizer_iterations", "-5")),
            c(
                "learning-rate-nan", .refused("no valid optimizer_learning_rate"),
                meta("optimizer_learning_rate", "nan")),
            c(
                "learning-rate-negative", .refused("no valid optimizer_learning_rate"),
                meta("optimizer_learning_rate", "-1")),
            c("earlier-format", .refused("written by an earlier Cortex"), meta("optimizer_slots", nil)),
            c("slots-3", .refused("keeps 3 Adam state slots per parameter"), meta("optimizer_slots", "3")),
            c(
                "beta1-differs", .refused("was saved with Adam beta1 0.8"),
                meta("optimizer_hyperparameters", "beta1=0.8,beta2=0.999")),
            c(
                "hyperparameters-malformed", .refused("malformed optimizer_hyperparameters"),
                meta("optimizer_hyperparameters", "beta1")),
            c(
                "hyperparameters-missing-key", .refused("records Adam hyperparameters"),
                meta("optimizer_hyperparameters", "beta1=0.9")),
            c(
                "states-count-differs", .refused("declares Adam state for 7 parameters but holds it for 4"),
                meta("optimizer_states", "7")),
            c(
                "one-slot-missing", .refused("has 1 of 2 optimizer slots for dense.kernel"),
                dropping(["optimizer/dense.kernel/1"])),
            c(
                "slots-of-one-parameter-missing", .refused("declares Adam state for 4 parameters but holds it for 3"),
                dropping(["optimizer/dense.kernel/0", "optimizer/dense.kernel/1"])),
            c("all-slots-missing", .refused("declares Adam state for 4 parameters but holds it for 0")) {
                try checkpoint { tensors, _ in tensors.removeAll { $0.0.hasPrefix("optimizer/") } }
            },
            c("slot-shape", .refused("optimizer state for dense.bias has shape [4]")) {
                try checkpoint { tensors, _ in
                    tensors = tensors.map { $0.0 == "optimizer/dense.bias/0" ? ($0.0, Tensor(zeros: [4])) : $0 }
                }
            },
            c("extra-slot", .refused("no slot for: optimizer/dense.kernel/2")) {
                try checkpoint { tensors, _ in tensors.append(("optimizer/dense.kernel/2", Tensor(zeros: [4, 3]))) }
            },
            c("ghost-parameter-slot", .refused("no slot for: optimizer/ghost/0")) {
                try checkpoint { tensors, _ in tensors.append(("optimizer/ghost/0", Tensor(zeros: [1]))) }
            },
            c("slots-without-metadata", .refused("holds optimizer tensors but no optimizer metadata")) {
                try checkpoint { _, metadata in metadata["optimizer"] = nil }
            },
            c("no-optimizer-state", .refused("holds no optimizer state but the model is compiled with Adam")) {
                try checkpoint { tensors, metadata in
                    metadata["optimizer"] = nil
                    tensors.removeAll { $0.0.hasPrefix("optimizer/") }
                }
            },
            c("stray-tensor", .refused("holds foo, neither a model/ nor an optimizer/ tensor")) {
                try checkpoint { tensors, _ in tensors.append(("foo", Tensor(zeros: [1]))) }
            },
            c("weight-missing", .refused("missing dense_1.bias"), dropping(["model/dense_1.bias"])),
            c("weight-shape", .refused("dense.bias has shape [4]")) {
                try checkpoint { tensors, _ in
                    tensors = tensors.map { $0.0 == "model/dense.bias" ? ($0.0, Tensor(zeros: [4])) : $0 }
                }
            },
            c(
                "momentum-into-plain-sgd",
                .refused("was saved with SGD momentum 0.9, but the model's SGD has momentum 0.0"),
                model: .sgd
            ) { try checkpoint(.momentum) },
            c(
                "plain-sgd-into-momentum",
                .refused("was saved with SGD momentum 0.0, but the model's SGD has momentum 0.9"),
                model: .momentum
            ) { try checkpoint(.sgd) },
            c("adam-into-sgd", .refused("holds Adam state but the model is compiled with SGD"), model: .sgd) {
                try checkpoint(.adam)
            },
            c("truncated", .refused("data_offsets outside")) { Array(try checkpoint().dropLast(100)) },
            c("nan-optimizer-state", .accepted("epoch=1")) {
                try checkpoint { tensors, _ in
                    tensors = tensors.map {
                        $0.0.hasPrefix("optimizer/") ? ($0.0, Tensor(repeating: .nan, shape: $0.1.shape)) : $0
                    }
                }
            },
            c("weights-file-as-checkpoint", .refused("is not a Cortex checkpoint")) {
                try ProbeModel.validFiles(.adam).weights
            },
        ]
    }
}
