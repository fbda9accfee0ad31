import Sparse

/// Zero fill-in incomplete LU, ILU(0): `A ≈ L U` with `L` unit lower and `U` upper triangular,
/// both restricted to the pattern of `A` — the standard right preconditioner of GMRES for
/// nonsymmetric and indefinite systems (convection–diffusion, Helmholtz in real block form).
/// Applying it is one forward and one backward triangular solve (serial).
///
/// Factored in place in the IKJ order (row `i` eliminated against the rows `k < i` in its
/// pattern, updates outside the pattern dropped). The matrix needs a structurally present,
/// nonzero diagonal; a zero or non-finite pivot is reported with its row.
///
/// References: Saad 2003, *Iterative Methods for Sparse Linear Systems*, §10.3.2 (Algorithm 10.4).
public struct IncompleteLU: Preconditioner {
  /// The pattern of `A` (CSR, columns increasing within each row) holding `L` (strictly lower,
  /// unit diagonal implied) and `U` (diagonal and upper).
  private let pointers: [Int]
  private let columns: [Int32]
  private let values: [Double]
  /// Position of each row's diagonal entry in `values`.
  private let diagonalPositions: [Int]

  /// Factors the square matrix `matrix`.
  /// - Throws: ``KrylovError/dimensionMismatch(_:)`` for a non-square matrix,
  ///   ``KrylovError/preconditionerFailed(_:)`` naming the row of a missing, zero or non-finite
  ///   pivot.
  public init(_ matrix: CSRMatrix) throws {
    let n = matrix.rowCount
    guard matrix.columnCount == n else {
      throw KrylovError.dimensionMismatch("ILU(0) needs a square matrix, got \(n)x\(matrix.columnCount)")
    }
    // Copy the pattern with columns sorted within each row.
    var pointers = [Int](repeating: 0, count: n + 1), columns = [Int32](), values = [Double]()
    columns.reserveCapacity(matrix.values.count)
    values.reserveCapacity(matrix.values.count)
    var diagonalPositions = [Int](repeating: -1, count: n)
    for i in 0..<n {
      let entries = (Int(matrix.rowPointers[i])..<Int(matrix.rowPointers[i + 1])).sorted {
        matrix.columnIndices[$0] < matrix.columnIndices[$1]
      }
      for e in entries {
        if Int(matrix.columnIndices[e]) == i { diagonalPositions[i] = columns.count }
        columns.append(matrix.columnIndices[e])
        values.append(matrix.values[e])
      }
      pointers[i + 1] = columns.count
      guard diagonalPositions[i] >= 0 else { throw KrylovError.preconditionerFailed("ILU(0): row \(i) has no diagonal entry") }
    }
    var position = [Int](repeating: -1, count: n)  // column → entry of the current row
    for i in 0..<n {
      for e in pointers[i]..<pointers[i + 1] { position[Int(columns[e])] = e }
      for e in pointers[i]..<diagonalPositions[i] {
        let k = Int(columns[e])
        let factor = values[e] / values[diagonalPositions[k]]
        values[e] = factor
        for m in (diagonalPositions[k] + 1)..<pointers[k + 1] {
          let p = position[Int(columns[m])]
          if p >= 0 { values[p] -= factor * values[m] }
        }
      }
      for e in pointers[i]..<pointers[i + 1] { position[Int(columns[e])] = -1 }
      let pivot = values[diagonalPositions[i]]
      guard pivot != 0, pivot.isFinite else { throw KrylovError.preconditionerFailed("ILU(0) met the pivot \(pivot) at row \(i)") }
    }
    self.pointers = pointers
    self.columns = columns
    self.values = values
    self.diagonalPositions = diagonalPositions
  }

  /// `z = (L U)⁻¹ r`: forward solve `L y = r`, then backward solve `U z = y`.
  public func apply(_ r: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) {
    pointers.withUnsafeBufferPointer { p in
      columns.withUnsafeBufferPointer { c in
        values.withUnsafeBufferPointer { v in
          diagonalPositions.withUnsafeBufferPointer { d in
            let n = d.count
            for i in 0..<n {
              var t = r[i]
              for k in p[i]..<d[i] { t -= v[k] * z[Int(c[k])] }
              z[i] = t
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
              var t = z[i]
              for k in (d[i] + 1)..<p[i + 1] { t -= v[k] * z[Int(c[k])] }
              z[i] = t / v[d[i]]
            }
          }
        }
      }
    }
  }
}
