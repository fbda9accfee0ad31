import Tensors

/// Training losses. Each returns a scalar tensor and is differentiable in `prediction`.
public enum Loss {
  /// Mean squared error `mean((p − t)²)` over all elements.
  public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    try (prediction - target).squared().mean()
  }

  /// The operator-learning standard: per-sample relative error `‖p − t‖_p / ‖t‖_p` over all
  /// axes but the first (batch), averaged over the batch (`reduction: .mean`) or summed
  /// (`.sum`, as the FNO paper's training loss). Only `p = 2` is provided so far.
  public static func relativeL2(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    guard prediction.shape == target.shape, prediction.rank >= 2 else {
      throw TensorError.shapeMismatch(operation: "relativeL2", shapes: [prediction.shape, target.shape])
    }
    let axes = Array(1..<prediction.rank)
    let ratio = try (prediction - target).l2Norm(alongAxes: axes) / target.l2Norm(alongAxes: axes).detached
    return reduction == .mean ? try ratio.mean() : try ratio.sum()
  }

  /// How per-sample losses combine over the batch.
  public enum Reduction: String, Sendable, Codable {
    /// Average over the batch.
    case mean
    /// Sum over the batch.
    case sum
  }
}
