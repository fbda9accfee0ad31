/// Normalizations, composed from differentiable reductions.
extension Tensor {
  /// `(x − mean) / √(var + ε)` over `axes` (biased variance, as PyTorch's layer and instance
  /// norms). Layer norm normalizes the last axis (or axes); instance norm the spatial axes of
  /// `[batch, channels, spatial…]`.
  public func normalized(alongAxes axes: [Int], epsilon: Float = 1e-5) throws -> Tensor {
    let centred = try self - mean(alongAxes: axes, keepingAxes: true)
    let variance = try centred.squared().mean(alongAxes: axes, keepingAxes: true)
    return try centred / (variance + epsilon).squareRoot()
  }
}
