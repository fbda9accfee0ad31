import Tensors

/// Layer normalization over the last axis with a learned per-feature scale and shift:
/// `y = (x − mean) / √(var + ε) · weight + bias` (Ba, Kiros, Hinton 2016).
/// Shapes: `x` is `[…, features]`; `weight` and `bias` are `[features]` (initialized to 1 and 0).
public struct LayerNorm: WeightAndShiftLayer, Sendable {
  /// Scale, `[features]`.
  public var weight: Tensor
  /// Shift, `[features]`.
  public var bias: Tensor
  /// `ε` in the denominator (default 1e-5, as PyTorch).
  public let epsilon: Float

  /// A layer normalizing `features` values.
  public init(features: Int, epsilon: Float = 1e-5) {
    weight = Tensor(repeating: 1, shape: [features])
    bias = Tensor(zeros: [features])
    self.epsilon = epsilon
  }

  /// Applies the normalization.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try x.normalized(alongAxes: [x.rank - 1], epsilon: epsilon) * weight + bias
  }
}

/// Instance normalization: each channel of each sample normalized over its spatial axes, then a
/// learned per-channel scale and shift (Ulyanov, Vedaldi, Lempitsky 2016). Shapes: `x` is
/// `[batch, channels, spatial…]`; `weight` and `bias` are `[channels]`.
public struct InstanceNorm: WeightAndShiftLayer, Sendable {
  /// Scale, `[channels]`.
  public var weight: Tensor
  /// Shift, `[channels]`.
  public var bias: Tensor
  /// `ε` in the denominator (default 1e-5, as PyTorch).
  public let epsilon: Float

  /// A layer for `channels` channels.
  public init(channels: Int, epsilon: Float = 1e-5) {
    weight = Tensor(repeating: 1, shape: [channels])
    bias = Tensor(zeros: [channels])
    self.epsilon = epsilon
  }

  /// Applies the normalization.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    guard x.rank >= 3 else {
      throw TensorError.invalidShape(operation: "InstanceNorm", message: "expects [batch, channels, spatial…], got \(x.shape)")
    }
    let perChannel = [weight.count] + Array(repeating: 1, count: x.rank - 2)
    let y = try x.normalized(alongAxes: Array(2..<x.rank), epsilon: epsilon)
    return try y * weight.reshaped(to: perChannel) + bias.reshaped(to: perChannel)
  }
}
