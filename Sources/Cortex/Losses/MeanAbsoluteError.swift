/// `mean(|prediction - target|)` per example.
public struct MeanAbsoluteError: LossFunction {
    /// Creates the loss.
    public init() {}
    public var name: String { "mean_absolute_error" }
    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        perExampleMean(abs(predictions - targets.aligned(to: predictions)))
    }
}
