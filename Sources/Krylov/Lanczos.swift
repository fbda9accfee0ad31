import CBLAS

/// Ritz pairs of a symmetric operator from the Lanczos process: `m` steps build an orthonormal
/// basis `Q` of the Krylov space `K_m(A, q₁)` and the tridiagonal `T = Qᵀ A Q`; the eigenpairs
/// `(θ, s)` of `T` give Ritz values `θ` and Ritz vectors `y = Q s`. The extreme eigenvalues of `A`
/// are approximated first, the low end of the spectrum — the smooth modes of a discrete
/// Laplacian — among them.
///
/// Every new basis vector is re-orthogonalized against all earlier ones (full
/// reorthogonalization, twice is enough), which keeps `Q` orthonormal to round-off and rules out
/// the spurious copies of converged Ritz values that plain Lanczos produces; the cost is `O(n·m²)`
/// flops and `n·m` stored values. `T`'s eigenpairs come from LAPACK's `dstev`.
///
/// Reference: Saad 2011, *Numerical Methods for Large Eigenvalue Problems*, §6.6.
public struct LanczosRitzPairs: Sendable {
  /// Ritz values `θ₁ ≤ … ≤ θ_m`.
  public let values: [Double]
  /// Ritz vectors, `vectors[i]` of length `n` and unit norm, for `values[i]`.
  public let vectors: [[Double]]
  /// `‖A yᵢ − θᵢ yᵢ‖ = β_m |s_{m,i}|`, the residual of each pair (small: converged).
  public let residuals: [Double]

  /// Runs `steps` Lanczos steps on the symmetric `a` from `start` (any nonzero vector; it is
  /// normalized). Stops early if the Krylov space becomes invariant (then the pairs are exact).
  /// - Throws: ``KrylovError/dimensionMismatch(_:)`` for a non-square operator or a start of
  ///   another size; ``KrylovError/preconditionerFailed(_:)`` if the start vector is zero or the
  ///   tridiagonal eigensolver fails.
  public init(_ a: any LinearOperator, steps: Int, start: [Double]) throws {
    let n = a.rowCount
    guard a.columnCount == n, start.count == n else {
      throw KrylovError.dimensionMismatch("Lanczos on \(a.rowCount)x\(a.columnCount) with a start of \(start.count)")
    }
    let startNorm = start.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard startNorm > 0, startNorm.isFinite else { throw KrylovError.preconditionerFailed("Lanczos needs a nonzero, finite start vector") }
    let m = min(steps, n)
    var basis = [[Double]]()  // q₁ … q_j
    var alpha = [Double](), beta = [Double]()  // T's diagonal and off-diagonal
    var q = start.map { $0 / startNorm }
    var w = [Double](repeating: 0, count: n)
    var lastBeta = 0.0
    for j in 0..<m {
      basis.append(q)
      q.withUnsafeBufferPointer { qp in w.withUnsafeMutableBufferPointer { a.apply(qp, into: $0) } }
      let aj = zip(w, q).reduce(0) { $0 + $1.0 * $1.1 }
      alpha.append(aj)
      // w ← A q_j − α_j q_j − β_{j−1} q_{j−1}, then orthogonalize twice against every q.
      for i in 0..<n { w[i] -= aj * q[i] }
      if j > 0 { for i in 0..<n { w[i] -= lastBeta * basis[j - 1][i] } }
      for _ in 0..<2 {
        for v in basis {
          let c = cblas_ddot(Int32(n), w, 1, v, 1)
          cblas_daxpy(Int32(n), -c, v, 1, &w, 1)
        }
      }
      lastBeta = cblas_dnrm2(Int32(n), w, 1)
      if j == m - 1 || lastBeta <= 1e-12 * max(abs(aj), 1) { break }
      beta.append(lastBeta)
      q = w.map { $0 / lastBeta }
    }
    // Eigenpairs of the k × k tridiagonal T (ascending), eigenvectors in columns.
    let k = alpha.count
    var d = alpha, e = beta + [0]
    var z = [Double](repeating: 0, count: k * k)
    let info = LAPACKE_dstev(LAPACK_COL_MAJOR, 86, Int32(k), &d, &e, &z, Int32(k))
    guard info == 0 else { throw KrylovError.preconditionerFailed("Lanczos: dstev failed with info \(info)") }
    values = d
    residuals = (0..<k).map { lastBeta * abs(z[$0 * k + k - 1]) }
    vectors = (0..<k).map { column in
      var y = [Double](repeating: 0, count: n)
      for (row, v) in basis.enumerated() { cblas_daxpy(Int32(n), z[column * k + row], v, 1, &y, 1) }
      let norm = cblas_dnrm2(Int32(n), y, 1)
      return y.map { $0 / norm }
    }
  }
}
