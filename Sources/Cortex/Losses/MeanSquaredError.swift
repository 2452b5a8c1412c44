/// `mean((prediction - target)²)` per example.
public struct MeanSquaredError: LossFunction {
    /// Creates the loss.
    public init() {}
    public var name: String { "mean_squared_error" }
    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        perExampleMean((predictions - targets.aligned(to: predictions)).squared())
    }
}
