import Foundation
import Parallelism

/// Elementwise nonlinearities, each with its exact derivative.
extension Tensor {
  /// `max(x, 0)`; derivative 1 for `x > 0`, else 0.
  public func relu() -> Tensor { unary(ReLU()) }

  /// `tanh x`; derivative `1 − tanh² x`.
  public func tanh() -> Tensor { unary(HyperbolicTangent()) }

  /// The logistic sigmoid `σ(x) = 1 / (1 + e^{−x})`; derivative `σ(1 − σ)`.
  public func sigmoid() -> Tensor { unary(Sigmoid()) }

  /// GELU, the exact form `x Φ(x)` with the standard normal CDF `Φ` (PyTorch's default);
  /// derivative `Φ(x) + x φ(x)`. `Φ` and `φ` are evaluated by vectorizable approximations
  /// (`erf` to 4e-7 absolute, `exp` to 2e-7 relative), not libm's scalar calls.
  public func gelu() -> Tensor { unary(GELU()) }

  /// Replaces the value by ``gelu()`` of it: in place when nothing differentiates it (no tape
  /// position, as in inference), saving the new buffer and its first-touch writes; recorded
  /// out of place otherwise, so gradients are those of ``gelu()``.
  public mutating func formGELU() { formUnary(GELU()) }

  /// SiLU (swish) `x σ(x)`; derivative `σ(x)(1 + x(1 − σ(x)))`.
  public func silu() -> Tensor { unary(SiLU()) }

  /// `eˣ`; derivative `eˣ`.
  public func exp() -> Tensor { unary(Exponential()) }

  /// `ln x` (NaN for `x < 0`); derivative `1/x`.
  public func log() -> Tensor { unary(Logarithm()) }

  /// `√x`; derivative `1 / (2√x)`.
  public func squareRoot() -> Tensor { unary(SquareRoot()) }

  /// `x²`; derivative `2x`.
  public func squared() -> Tensor { unary(Square()) }

  /// `|x|^p` for `p ≥ 1`; derivative `p |x|^{p−1} sign x`.
  public func absolutePower(_ p: Float) -> Tensor { unary(AbsolutePower(p: p)) }

  /// `x^{1/p}` for `x ≥ 0`, the inverse of ``absolutePower(_:)`` on non-negative values;
  /// derivative `x^{1/p − 1} / p`.
  public func root(_ p: Float) -> Tensor { unary(Root(p: p)) }

  /// Applies `f` elementwise (in parallel on large tensors), recording `g ⊙ f′(x)` as the
  /// gradient.
  @inline(__always)
  func unary<F: ElementwiseFunction>(_ f: F) -> Tensor {
    let input = scalars
    let output = input.parallelMapped(f)
    return GradientTape.recorded(Tensor(unchecked: shape, output), inputs: [self]) { g in
      [Tensor(unchecked: g.shape, g.scalars.parallelChained(f, inputs: input, outputs: output))]
    }
  }
}

extension Tensor {
  /// `self = unary(f)`, overwriting the storage when no tape records this value (the storage is
  /// copied first only if another value shares it).
  @inline(__always)
  mutating func formUnary<F: ElementwiseFunction>(_ f: F) {
    guard trace == nil else {
      self = unary(f)
      return
    }
    guard count > 0 else { return }
    withUnsafeMutableScalars { x in
      let shared = SharedPointer(x.baseAddress!)
      let parts = Parallel.workers(forWork: x.count, perWorker: 1 << 15)
      Parallel.forEachRange(count: x.count, parts: parts) { _, range in
        for k in range { shared.base[k] = f.value(shared.base[k]) }
      }
    }
  }
}

struct ReLU: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { Swift.max(x, 0) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { x > 0 ? 1 : 0 }
}

struct HyperbolicTangent: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { Foundation.tanh(x) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { 1 - y * y }
}

struct Sigmoid: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { y * (1 - y) }
}

struct GELU: ElementwiseFunction {
  // 1/√2 = 0.70710678, 1/√(2π) = 0.39894228
  @inline(__always) func value(_ x: Float) -> Float { 0.5 * x * (1 + fastErf(x * 0.707_106_78)) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float {
    // Φ(x) + x φ(x)
    0.5 * (1 + fastErf(x * 0.707_106_78)) + x * fastExp(-0.5 * x * x) * 0.398_942_28
  }
}

struct SiLU: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { x / (1 + Foundation.exp(-x)) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float {
    let s = 1 / (1 + Foundation.exp(-x))
    return s * (1 + x * (1 - s))
  }
}

struct Exponential: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { Foundation.exp(x) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { y }
}

struct Logarithm: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { Foundation.log(x) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { 1 / x }
}

struct SquareRoot: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { x.squareRoot() }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { 0.5 / y }
}

struct Square: ElementwiseFunction {
  @inline(__always) func value(_ x: Float) -> Float { x * x }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { 2 * x }
}

struct AbsolutePower: ElementwiseFunction {
  let p: Float
  @inline(__always) func value(_ x: Float) -> Float { Foundation.pow(Swift.abs(x), p) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float {
    x == 0 ? 0 : p * Foundation.pow(Swift.abs(x), p - 1) * (x > 0 ? 1 : -1)
  }
}

struct Root: ElementwiseFunction {
  let p: Float
  @inline(__always) func value(_ x: Float) -> Float { Foundation.pow(x, 1 / p) }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, 1 / p - 1) / p }
}
