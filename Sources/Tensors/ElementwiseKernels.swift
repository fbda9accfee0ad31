import Parallelism

/// Elementwise kernels as types, so the parallel loops that apply them are specialized and the
/// per-element function is inlined (and vectorized) instead of called through a closure.

/// A differentiable scalar function `y = f(x)` applied elementwise.
protocol ElementwiseFunction: Sendable {
  /// `f(x)`.
  func value(_ x: Float) -> Float
  /// `f′(x)`, given the input `x` and the output `y = f(x)`.
  func derivative(_ x: Float, _ y: Float) -> Float
}

/// A scalar binary operation `z = f(x, y)` applied elementwise.
protocol ElementwiseOperation: Sendable {
  /// `f(x, y)`.
  func value(_ x: Float, _ y: Float) -> Float
}

extension Array where Element == Float {
  /// `f` applied to every element, in parallel ranges on large arrays.
  @inline(__always)
  func parallelMapped<F: ElementwiseFunction>(_ f: F) -> [Float] {
    withUnsafeBufferPointer { x in
      let source = SharedPointer(x)
      return [Float].parallelFilled(count: x.count) { out, range in
        for k in range { out[k] = f.value(source.base[k]) }
      }
    }
  }

  /// `g ⊙ f′(x)` elementwise for gradients `g` (self), inputs `x` and outputs `y`.
  @inline(__always)
  func parallelChained<F: ElementwiseFunction>(_ f: F, inputs: [Float], outputs: [Float]) -> [Float] {
    withUnsafeBufferPointer { g in
      inputs.withUnsafeBufferPointer { x in
        outputs.withUnsafeBufferPointer { y in
          let (g, x, y) = (SharedPointer(g), SharedPointer(x), SharedPointer(y))
          return [Float].parallelFilled(count: count) { out, range in
            for k in range { out[k] = g.base[k] * f.derivative(x.base[k], y.base[k]) }
          }
        }
      }
    }
  }
}

/// `x + c`.
struct AddingConstant: ElementwiseFunction {
  let c: Float
  @inline(__always) func value(_ x: Float) -> Float { x + c }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { 1 }
}

/// `c·x`.
struct Scaling: ElementwiseFunction {
  let c: Float
  @inline(__always) func value(_ x: Float) -> Float { c * x }
  @inline(__always) func derivative(_ x: Float, _ y: Float) -> Float { c }
}

/// `x + y`.
struct Addition: ElementwiseOperation { func value(_ x: Float, _ y: Float) -> Float { x + y } }
/// `x − y`.
struct Subtraction: ElementwiseOperation { func value(_ x: Float, _ y: Float) -> Float { x - y } }
/// `x·y`.
struct Multiplication: ElementwiseOperation { func value(_ x: Float, _ y: Float) -> Float { x * y } }
/// `x / y`.
struct Division: ElementwiseOperation { func value(_ x: Float, _ y: Float) -> Float { x / y } }
