import Sparse

/// The Jacobi (diagonal) preconditioner `M = diag(A)`.
public struct JacobiPreconditioner: Preconditioner {
  private let inverseDiagonal: [Double]

  /// Takes the diagonal of `matrix`.
  /// - Throws: ``KrylovError/preconditionerFailed(_:)`` naming a zero or non-finite diagonal entry.
  public init(_ matrix: CSRMatrix) throws {
    let d = matrix.diagonal()
    if let i = d.firstIndex(where: { $0 == 0 || !$0.isFinite }) {
      throw KrylovError.preconditionerFailed("Jacobi needs a nonzero diagonal; A[\(i), \(i)] = \(d[i])")
    }
    inverseDiagonal = d.map { 1 / $0 }
  }

  /// `z_i = r_i / A_ii`.
  public func apply(_ r: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) {
    inverseDiagonal.withUnsafeBufferPointer { d in
      for i in 0..<r.count { z[i] = r[i] * d[i] }
    }
  }
}
