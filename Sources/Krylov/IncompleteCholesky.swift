import Sparse

/// Zero fill-in incomplete Cholesky, IC(0): `A ≈ L Lᵀ` with `L` restricted to the pattern of the
/// lower triangle of `A`. Applying it is one forward and one backward triangular solve (serial).
///
/// Exists without breakdown for M-matrices (the finite-difference and finite-volume Poisson
/// matrices); otherwise a non-positive pivot can occur, which is reported, not hidden.
///
/// References: Meijerink & van der Vorst 1977, "An iterative solution method for linear systems
/// of which the coefficient matrix is a symmetric M-matrix".
public struct IncompleteCholesky: Preconditioner {
  /// Rows of `L` (strictly lower part), CSR.
  private let pointers: [Int32]
  private let columns: [Int32]
  private let values: [Double]
  /// `L_ii`.
  private let diagonal: [Double]

  /// Factors the lower triangle of the symmetric matrix `matrix`.
  /// - Throws: ``KrylovError/preconditionerFailed(_:)`` naming the row of a non-positive pivot.
  public init(_ matrix: CSRMatrix) throws {
    let n = matrix.rowCount
    var pointers = [Int32](repeating: 0, count: n + 1)
    var columns = [Int32](), values = [Double]()
    var diagonal = [Double](repeating: 0, count: n)
    var work = [Double](repeating: 0, count: n)  // row i of L, scattered
    for i in 0..<n {
      let lo = Int(matrix.rowPointers[i]), hi = Int(matrix.rowPointers[i + 1])
      var aii = 0.0
      let rowStart = columns.count
      for k in lo..<hi {
        let j = Int(matrix.columnIndices[k])
        if j < i {
          work[j] = matrix.values[k]
          columns.append(Int32(j))
        } else if j == i {
          aii = matrix.values[k]
        }
      }
      values += Array(repeating: 0, count: columns.count - rowStart)
      // L_ik = (A_ik − Σ_{j<k} L_ij L_kj) / L_kk, for k in the pattern of row i, increasing.
      var sumSquares = 0.0
      for s in rowStart..<columns.count {
        let k = Int(columns[s])
        var t = work[k]
        for m in Int(pointers[k])..<Int(pointers[k + 1]) { t -= values[m] * work[Int(columns[m])] }
        t /= diagonal[k]
        work[k] = t
        values[s] = t
        sumSquares += t * t
      }
      // Entries of row i that are not in its pattern must read as zero for later rows.
      for s in rowStart..<columns.count { work[Int(columns[s])] = 0 }
      let pivot = aii - sumSquares
      guard pivot > 0, pivot.isFinite else {
        throw KrylovError.preconditionerFailed("IC(0) met a non-positive pivot \(pivot) at row \(i); the matrix is not an SPD M-matrix")
      }
      diagonal[i] = pivot.squareRoot()
      pointers[i + 1] = Int32(columns.count)
    }
    self.pointers = pointers
    self.columns = columns
    self.values = values
    self.diagonal = diagonal
  }

  /// `z = (L Lᵀ)⁻¹ r`: forward solve `L y = r`, then backward solve `Lᵀ z = y`.
  public func apply(_ r: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) {
    pointers.withUnsafeBufferPointer { p in
      columns.withUnsafeBufferPointer { c in
        values.withUnsafeBufferPointer { v in
          diagonal.withUnsafeBufferPointer { d in
            let n = d.count
            for i in 0..<n {
              var t = r[i]
              for k in Int(p[i])..<Int(p[i + 1]) { t -= v[k] * z[Int(c[k])] }
              z[i] = t / d[i]
            }
            // Lᵀ z = y by columns of Lᵀ (= rows of L), last to first.
            for i in stride(from: n - 1, through: 0, by: -1) {
              let zi = z[i] / d[i]
              z[i] = zi
              for k in Int(p[i])..<Int(p[i + 1]) { z[Int(c[k])] -= v[k] * zi }
            }
          }
        }
      }
    }
  }
}
