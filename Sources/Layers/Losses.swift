import Tensors

/// Training losses. Each returns a scalar tensor and is differentiable in `prediction`.
public enum Loss {
  /// Mean squared error `mean((p − t)²)` over all elements.
  public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    try (prediction - target).squared().mean()
  }

  /// The operator-learning standard: per-sample relative error `‖p − t‖_q / ‖t‖_q` (vector
  /// `q`-norm over all axes but the first, the batch), averaged over the batch
  /// (`reduction: .mean`) or summed (`.sum`, as the FNO paper's training loss). `q ≥ 1`.
  public static func relativeLp(_ prediction: Tensor, _ target: Tensor, q: Float, reduction: Reduction = .mean) throws -> Tensor {
    if q == 2 { return try relativeL2(prediction, target, reduction: reduction) }
    guard prediction.shape == target.shape, prediction.rank >= 2, q >= 1 else {
      throw TensorError.shapeMismatch(operation: "relativeLp(q: \(q))", shapes: [prediction.shape, target.shape])
    }
    let axes = Array(1..<prediction.rank)
    let error = try (prediction - target).absolutePower(q).summed(alongAxes: axes).root(q)
    let ratio = try error / target.detached.absolutePower(q).summed(alongAxes: axes).root(q)
    return reduction == .mean ? try ratio.mean() : try ratio.sum()
  }

  /// ``relativeLp(_:_:q:reduction:)`` with `q = 2`.
  public static func relativeL2(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    guard prediction.shape == target.shape, prediction.rank >= 2 else {
      throw TensorError.shapeMismatch(operation: "relativeL2", shapes: [prediction.shape, target.shape])
    }
    let axes = Array(1..<prediction.rank)
    let ratio = try (prediction - target).l2Norm(alongAxes: axes) / target.l2Norm(alongAxes: axes).detached
    return reduction == .mean ? try ratio.mean() : try ratio.sum()
  }

  /// The relative L2 error of each channel separately, summed over the channels: per sample
  /// `Σ_c ‖p_c − t_c‖₂ / ‖t_c‖₂`, norms over the axes after the channel axis (`[batch,
  /// channels, …]`, rank ≥ 3); averaged or summed over the batch. With a trajectory's steps as
  /// channels this is the FNO paper's rollout loss (`fourier_2d_time`: the relative L2 error of
  /// every predicted step, summed).
  public static func relativeL2PerChannel(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    guard prediction.shape == target.shape, prediction.rank >= 3 else {
      throw TensorError.shapeMismatch(operation: "relativeL2PerChannel", shapes: [prediction.shape, target.shape])
    }
    let axes = Array(2..<prediction.rank)
    let ratio = try (prediction - target).l2Norm(alongAxes: axes) / target.l2Norm(alongAxes: axes).detached
    let perSample = try ratio.summed(alongAxes: [1])
    return reduction == .mean ? try perSample.mean() : try perSample.sum()
  }

  /// The relative H1 error: per sample `‖p − t‖_{H¹} / ‖t‖_{H¹}` with
  /// `‖u‖²_{H¹} = ‖u‖² + Σ_axes ‖D u‖²`, where `D` is the forward difference over the
  /// `spacing` of each of the last `spacing.count` axes (the spatial ones); averaged or summed
  /// over the batch (first axis).
  public static func relativeH1(_ prediction: Tensor, _ target: Tensor, spacing: [Float], reduction: Reduction = .mean) throws -> Tensor {
    let d = spacing.count
    guard prediction.shape == target.shape, d >= 1, prediction.rank >= d + 1 else {
      throw TensorError.shapeMismatch(operation: "relativeH1", shapes: [prediction.shape, target.shape])
    }
    let axes = Array(1..<prediction.rank)
    func squaredNorm(_ u: Tensor) throws -> Tensor {
      var total = try u.squared().summed(alongAxes: axes)
      for (k, h) in spacing.enumerated() {
        let axis = u.rank - d + k
        let n = u.shape[axis]
        let lead = u.shape[..<axis].map { 0..<$0 }
        let difference = try (u.sliced(lead + [1..<n]) - u.sliced(lead + [0..<(n - 1)])) * (1 / h)
        total = try total + difference.squared().summed(alongAxes: axes)
      }
      return total
    }
    let ratio = try (squaredNorm(prediction - target) / squaredNorm(target.detached)).squareRoot()
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
