import Parallelism

/// Elementwise arithmetic with broadcasting, differentiable in both operands.
extension Tensor {
  /// `a + b`, broadcasting. Gradients: `g` to both, summed over broadcast axes.
  public static func + (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "+", Addition()) { g, a, b in [try g.summed(toShape: a.shape), try g.summed(toShape: b.shape)] }
  }

  /// `a − b`, broadcasting. Gradients: `g` and `−g`.
  public static func - (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "-", Subtraction()) { g, a, b in [try g.summed(toShape: a.shape), try (-g).summed(toShape: b.shape)] }
  }

  /// `a ⊙ b` (elementwise product), broadcasting. Gradients: `g ⊙ b` and `g ⊙ a`.
  public static func * (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "*", Multiplication()) { g, a, b in
      [try (g * b).summed(toShape: a.shape), try (g * a).summed(toShape: b.shape)]
    }
  }

  /// `a ⊘ b` (elementwise quotient), broadcasting. Gradients: `g ⊘ b` and `−g ⊙ a ⊘ b²`.
  public static func / (a: Tensor, b: Tensor) throws -> Tensor {
    try binary(a, b, "/", Division()) { g, a, b in
      [try (g / b).summed(toShape: a.shape), try (-(g * a) / (b * b)).summed(toShape: b.shape)]
    }
  }

  /// `−x`.
  public static prefix func - (x: Tensor) -> Tensor { x.unary(Scaling(c: -1)) }

  /// Every element times `c` (differentiable in the tensor).
  public static func * (x: Tensor, c: Float) -> Tensor { x.unary(Scaling(c: c)) }

  /// Every element plus `c` (differentiable in the tensor).
  public static func + (x: Tensor, c: Float) -> Tensor { x.unary(AddingConstant(c: c)) }

  /// The broadcasting binary kernel: a same-shape fast path, and an offset walk otherwise.
  @inline(__always)
  static func binary(
    _ a: Tensor, _ b: Tensor, _ operation: String, _ f: some ElementwiseOperation,
    backward: @escaping (Tensor, Tensor, Tensor) throws -> [Tensor?]
  ) throws -> Tensor {
    let shape = try broadcastShape(a.shape, b.shape, operation: operation)
    let total = shape.reduce(1, *)
    let out = a.scalars.withUnsafeBufferPointer { x in
      b.scalars.withUnsafeBufferPointer { y in
        let (x, y) = (SharedPointer(x), SharedPointer(y))
        if a.shape == b.shape {
          return [Float].parallelFilled(count: total) { z, range in
            for k in range { z[k] = f.value(x.base[k], y.base[k]) }
          }
        } else if b.count == 1 {
          let c = y.base[0]
          return [Float].parallelFilled(count: total) { z, range in
            for k in range { z[k] = f.value(x.base[k], c) }
          }
        }
        // Broadcasting: parallel over rows of the last axis, offsets walked within each.
        let (walk, sa, sb) = coalescedAxes(shape: shape, strides: a.broadcastStrides(to: shape), b.broadcastStrides(to: shape))
        let rowLength = walk.last!
        return [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
          if total > 0 {
            let z = SharedPointer(buffer.baseAddress!)
            let rowCount = total / rowLength
            let parts = Parallel.workers(forWork: rowCount, perWorker: Swift.max(1, (1 << 15) / rowLength))
            Parallel.forEachRange(count: rowCount, parts: parts) { _, rows in
              forEachOffset(shape: walk, strides: sa, sb, rows: rows) { k, oa, ob in z.base[k] = f.value(x.base[oa], y.base[ob]) }
            }
          }
          initialized = total
        }
      }
    }
    let (da, db) = (a.detached, b.detached)
    return GradientTape.recorded(Tensor(unchecked: shape, out), inputs: [a, b]) { g in try backward(g, da, db) }
  }
}
