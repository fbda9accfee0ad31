/// Elementwise arithmetic with broadcasting, differentiable in both operands.
extension Tensor {
  /// `a + b`, broadcasting. Gradients: `g` to both, summed over broadcast axes.
  public static func + (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "+", { $0 + $1 }) { g, a, b in [try g.summed(toShape: a.shape), try g.summed(toShape: b.shape)] }
  }

  /// `a − b`, broadcasting. Gradients: `g` and `−g`.
  public static func - (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "-", { $0 - $1 }) { g, a, b in [try g.summed(toShape: a.shape), try (-g).summed(toShape: b.shape)] }
  }

  /// `a ⊙ b` (elementwise product), broadcasting. Gradients: `g ⊙ b` and `g ⊙ a`.
  public static func * (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "*", { $0 * $1 }) { g, a, b in
      [try (g * b).summed(toShape: a.shape), try (g * a).summed(toShape: b.shape)]
    }
  }

  /// `a ⊘ b` (elementwise quotient), broadcasting. Gradients: `g ⊘ b` and `−g ⊙ a ⊘ b²`.
  public static func / (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "/", { $0 / $1 }) { g, a, b in
      [try (g / b).summed(toShape: a.shape), try (-(g * a) / (b * b)).summed(toShape: b.shape)]
    }
  }

  /// `−x`.
  public static prefix func - (x: Tensor) -> Tensor { x.mapped(-1) { -$0 } }

  /// Every element times `c` (differentiable in the tensor).
  public static func * (x: Tensor, c: Float) -> Tensor { x.mapped(c) { $0 * c } }

  /// Every element plus `c` (differentiable in the tensor).
  public static func + (x: Tensor, c: Float) -> Tensor {
    let y = Tensor(unchecked: x.shape, x.scalars.map { $0 + c })
    return GradientTape.recorded(y, inputs: [x]) { g in [g] }
  }

  /// `x ⊙ c` for a constant `c`: the derivative is the constant.
  private func mapped(_ derivative: Float, _ f: (Float) -> Float) -> Tensor {
    let y = Tensor(unchecked: shape, scalars.map(f))
    return GradientTape.recorded(y, inputs: [self]) { g in [g * derivative] }
  }

  /// The broadcasting binary kernel: a same-shape fast path, and an offset walk otherwise.
  @inline(__always)
  static func binary(
    _ a: Tensor, _ b: Tensor, _ operation: String, _ f: (Float, Float) -> Float,
    backward: @escaping (Tensor, Tensor, Tensor) throws -> [Tensor?]
  ) throws -> Tensor {
    let shape = try broadcastShape(a.shape, b.shape, operation: operation)
    var out = [Float](repeating: 0, count: shape.reduce(1, *))
    a.scalars.withUnsafeBufferPointer { x in
      b.scalars.withUnsafeBufferPointer { y in
        out.withUnsafeMutableBufferPointer { z in
          if a.shape == b.shape {
            for k in 0..<z.count { z[k] = f(x[k], y[k]) }
          } else if b.count == 1 {
            let c = y[0]
            for k in 0..<z.count { z[k] = f(x[k], c) }
          } else {
            forEachOffset(shape: shape, strides: a.broadcastStrides(to: shape), b.broadcastStrides(to: shape)) { k, oa, ob in
              z[k] = f(x[oa], y[ob])
            }
          }
        }
      }
    }
    let (da, db) = (a.detached, b.detached)
    return GradientTape.recorded(Tensor(unchecked: shape, out), inputs: [a, b]) { g in try backward(g, da, db) }
  }
}
