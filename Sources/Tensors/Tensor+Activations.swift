import Foundation

/// Elementwise nonlinearities, each with its exact derivative.
extension Tensor {
  /// `max(x, 0)`; derivative 1 for `x > 0`, else 0.
  public func relu() -> Tensor { unary({ Swift.max($0, 0) }) { x, _ in x > 0 ? 1 : 0 } }

  /// `tanh x`; derivative `1 − tanh² x`.
  public func tanh() -> Tensor { unary({ Foundation.tanh($0) }) { _, y in 1 - y * y } }

  /// The logistic sigmoid `σ(x) = 1 / (1 + e^{−x})`; derivative `σ(1 − σ)`.
  public func sigmoid() -> Tensor { unary({ 1 / (1 + Foundation.exp(-$0)) }) { _, y in y * (1 - y) } }

  /// GELU, the exact form `x Φ(x)` with the standard normal CDF `Φ` (PyTorch's default);
  /// derivative `Φ(x) + x φ(x)`.
  public func gelu() -> Tensor {
    let inverseSqrt2 = Float(0.5).squareRoot()
    let inverseSqrt2Pi = 1 / (2 * Float.pi).squareRoot()
    return unary({ x in 0.5 * x * (1 + Foundation.erf(x * inverseSqrt2)) }) { x, _ in
      let cdf = 0.5 * (1 + Foundation.erf(x * inverseSqrt2))
      return cdf + x * Foundation.exp(-0.5 * x * x) * inverseSqrt2Pi
    }
  }

  /// SiLU (swish) `x σ(x)`; derivative `σ(x)(1 + x(1 − σ(x)))`.
  public func silu() -> Tensor {
    unary({ x in x / (1 + Foundation.exp(-x)) }) { x, _ in
      let s = 1 / (1 + Foundation.exp(-x))
      return s * (1 + x * (1 - s))
    }
  }

  /// `eˣ`; derivative `eˣ`.
  public func exp() -> Tensor { unary({ Foundation.exp($0) }) { _, y in y } }

  /// `ln x` (NaN for `x < 0`); derivative `1/x`.
  public func log() -> Tensor { unary({ Foundation.log($0) }) { x, _ in 1 / x } }

  /// `√x`; derivative `1 / (2√x)`.
  public func squareRoot() -> Tensor { unary({ $0.squareRoot() }) { _, y in 0.5 / y } }

  /// `x²`; derivative `2x`.
  public func squared() -> Tensor { unary({ $0 * $0 }) { x, _ in 2 * x } }

  /// `|x|^p` for `p ≥ 1`; derivative `p |x|^{p−1} sign x`.
  public func absolutePower(_ p: Float) -> Tensor {
    unary({ Foundation.pow(Swift.abs($0), p) }) { x, _ in x == 0 ? 0 : p * Foundation.pow(Swift.abs(x), p - 1) * (x > 0 ? 1 : -1) }
  }

  /// `x^{1/p}` for `x ≥ 0`, the inverse of ``absolutePower(_:)`` on non-negative values;
  /// derivative `x^{1/p − 1} / p`.
  public func root(_ p: Float) -> Tensor {
    unary({ Foundation.pow($0, 1 / p) }) { x, _ in Foundation.pow(x, 1 / p - 1) / p }
  }

  /// Applies `f` elementwise; `derivative(x, y)` gives `f′(x)` from the input and output.
  @inline(__always)
  func unary(_ f: (Float) -> Float, derivative: @escaping @Sendable (Float, Float) -> Float) -> Tensor {
    let y = Tensor(unchecked: shape, scalars.map(f))
    let (input, output) = (scalars, y.scalars)
    return GradientTape.recorded(y, inputs: [self]) { g in
      var d = g.scalars
      for k in 0..<d.count { d[k] *= derivative(input[k], output[k]) }
      return [Tensor(unchecked: g.shape, d)]
    }
  }
}
