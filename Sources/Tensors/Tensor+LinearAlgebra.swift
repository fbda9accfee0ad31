import CBLAS

/// Small dense linear algebra on LAPACKE, differentiable.
extension Tensor {
  /// Solves `A X = B` for square `A` (`[…, n, n]`) and `B` (`[…, n, k]`), batched over leading
  /// axes, by LU with partial pivoting (`sgesv`).
  ///
  /// Gradients for `X = A⁻¹B` with output gradient `G`: `∂B = A⁻ᵀ G`, `∂A = −∂B Xᵀ`.
  /// - Throws: ``TensorError/shapeMismatch(operation:shapes:)`` for shapes that do not fit;
  ///   ``TensorError/invalidShape(operation:message:)`` naming the batch entry of a singular `A`.
  public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.rank >= 2, b.rank == a.rank, a.shape[a.rank - 1] == a.shape[a.rank - 2], b.shape[b.rank - 2] == a.shape[a.rank - 1],
      Array(a.shape.dropLast(2)) == Array(b.shape.dropLast(2))
    else { throw TensorError.shapeMismatch(operation: "solve", shapes: [a.shape, b.shape]) }
    try a.checkFinite("solve (matrix \(a.shape))")
    try b.checkFinite("solve (right-hand side \(b.shape))")
    let (n, k) = (a.shape[a.rank - 1], b.shape[b.rank - 1])
    let batch = a.shape.dropLast(2).reduce(1, *)
    var lu = a.scalars
    var x = b.scalars
    var pivots = [Int32](repeating: 0, count: n)
    for s in 0..<batch {
      let status = lu.withUnsafeMutableBufferPointer { l in
        x.withUnsafeMutableBufferPointer { r in
          LAPACKE_sgesv(
            LAPACK_ROW_MAJOR, Int32(n), Int32(k), l.baseAddress! + s * n * n, Int32(n), &pivots, r.baseAddress! + s * n * k, Int32(k))
        }
      }
      guard status == 0 else {
        throw TensorError.invalidShape(
          operation: "solve", message: "matrix \(s) of the batch \(a.shape) is singular (LAPACK info \(status))")
      }
    }
    let (da, solution) = (a.detached, Tensor(unchecked: b.shape, x))
    return GradientTape.recorded(solution, inputs: [a, b]) { g in
      let gb = try solve(da.transposed(), g)
      return [try -(gb.matmul(solution.transposed())), gb]
    }
  }

  /// The least-squares solution `X = argmin ‖A X − B‖² + λ‖X‖²` for `A` (`[…, m, n]`, `m ≥ n`)
  /// and `B` (`[…, m, k]`), through the normal equations `(AᵀA + λI) X = AᵀB`.
  ///
  /// Differentiable in `A` and `B` (through ``solve(_:_:)`` and ``matmul(_:)``). The normal
  /// equations square the condition number; they suit the small, well-conditioned fits of
  /// DMD-style operators, and `ridge > 0` regularizes rank-deficient ones.
  public static func leastSquares(_ a: Tensor, _ b: Tensor, ridge: Float = 0) throws -> Tensor {
    guard a.rank >= 2, b.rank == a.rank, a.shape[a.rank - 2] == b.shape[b.rank - 2] else {
      throw TensorError.shapeMismatch(operation: "leastSquares", shapes: [a.shape, b.shape])
    }
    let at = try a.transposed()
    var normal = try at.matmul(a)
    if ridge != 0 {
      let n = a.shape[a.rank - 1]
      let identity = Tensor(unchecked: [n, n], (0..<(n * n)).map { $0 % (n + 1) == 0 ? ridge : 0 })
      normal = try normal + identity
    }
    return try solve(normal, at.matmul(b))
  }
}
