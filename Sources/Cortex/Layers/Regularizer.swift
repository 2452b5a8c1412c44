/// A penalty on a parameter, added to the training loss (Keras's `kernel_regularizer` and
/// `bias_regularizer`): `l1 * sum(|w|) + l2 * sum(w²)`.
public struct Regularizer: Sendable, Equatable {
    public let l1: Float
    public let l2: Float

    public static func l1(_ factor: Float) -> Regularizer { Regularizer(l1: factor, l2: 0) }
    public static func l2(_ factor: Float) -> Regularizer { Regularizer(l1: 0, l2: factor) }
    public static func l1l2(l1: Float, l2: Float) -> Regularizer { Regularizer(l1: l1, l2: l2) }

    /// The penalty for `weights` (a tracked scalar when `weights` is tracked).
    public func callAsFunction(_ weights: Tensor) -> Tensor {
        var penalty = Tensor(0)
        if l1 != 0 { penalty = penalty + abs(weights).sum() * l1 }
        if l2 != 0 { penalty = penalty + weights.squared().sum() * l2 }
        return penalty
    }
}

extension Module {
    /// The sum of every layer's regularization penalties, to add to the loss in a hand-written
    /// loop (``fit`` adds it itself). Zero when no layer has a regularizer.
    public func regularizationLoss() -> Tensor {
        var total = Tensor(0)
        for module in modulesInOrder() {
            for (regularizer, parameter) in module.regularizedParameters {
                total = total + regularizer(parameter.tensor)
            }
        }
        return total
    }
}
