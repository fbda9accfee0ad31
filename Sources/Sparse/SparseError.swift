/// Errors from sparse matrices, their files and their factorizations; each names the value, file
/// or line at fault.
public enum SparseError: Error, Equatable, CustomStringConvertible {
  /// Dimensions that do not fit together (`operation` says which).
  case dimensionMismatch(String)
  /// An index outside the matrix, or storage arrays that do not describe a matrix.
  case invalidStructure(String)
  /// A matrix too large for 32-bit indices.
  case tooLarge(String)
  /// A malformed Matrix Market file, at a 1-based line.
  case malformedFile(file: String, line: Int, message: String)
  /// A file that cannot be read or written.
  case io(file: String, message: String)
  /// Cholesky met a non-positive pivot: the matrix is not positive definite.
  case notPositiveDefinite(column: Int)
  /// The matrix handed to a symmetric factorization is not symmetric.
  case notSymmetric(row: Int, column: Int)
  /// LU found the matrix singular (to working precision).
  case singular(String)
  /// A SuiteSparse call failed with a status code (out of memory, invalid input…).
  case factorizationFailed(library: String, status: Int, message: String)
  /// A value that is NaN or infinite where a finite one is required.
  case nonFinite(String)

  public var description: String {
    switch self {
    case .dimensionMismatch(let m): return "dimension mismatch: \(m)"
    case .invalidStructure(let m): return "invalid sparse structure: \(m)"
    case .tooLarge(let m): return "matrix too large: \(m)"
    case .malformedFile(let f, let l, let m): return "\(f):\(l): \(m)"
    case .io(let f, let m): return "\(f): \(m)"
    case .notPositiveDefinite(let c):
      return "matrix is not positive definite (CHOLMOD found a non-positive pivot at column \(c)); use an LU factorization (UMFPACK) or GMRES"
    case .notSymmetric(let r, let c):
      return "matrix is not symmetric: entry (\(r), \(c)) differs from (\(c), \(r)); use an LU or GMRES solve"
    case .singular(let m): return "matrix is singular: \(m)"
    case .factorizationFailed(let lib, let s, let m): return "\(lib) failed with status \(s): \(m)"
    case .nonFinite(let m): return "non-finite value: \(m)"
    }
  }
}
