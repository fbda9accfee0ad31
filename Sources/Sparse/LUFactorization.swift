import CSuiteSparse

/// A sparse LU factorization `P R A Q = L U` of a general square matrix, by UMFPACK
/// (unsymmetric multifrontal, with row scaling `R` and fill-reducing column ordering `Q`).
///
/// The CSR arrays are handed to UMFPACK without a copy: they are the CSC arrays of `Aᵀ`, which
/// UMFPACK factors; solving with its transposed system then gives `A x = b`.
///
/// Not thread-safe: one `LUFactorization` serves one thread at a time.
///
/// References: Davis 2004, "Algorithm 832: UMFPACK V4.3 — an unsymmetric-pattern multifrontal
/// method", ACM TOMS 30(2).
public final class LUFactorization {
  private let matrix: CSRMatrix
  private var numeric: UnsafeMutableRawPointer?
  private var control = [Double](repeating: 0, count: Int(UMFPACK_CONTROL))
  /// The matrix order.
  public var size: Int { matrix.rowCount }

  /// Factors `matrix`.
  /// - Throws: ``SparseError/singular(_:)`` if UMFPACK finds a zero pivot;
  ///   ``SparseError/nonFinite(_:)`` for NaN/Inf entries;
  ///   ``SparseError/factorizationFailed(library:status:message:)`` otherwise.
  public init(_ matrix: CSRMatrix) throws {
    guard matrix.rowCount == matrix.columnCount else {
      throw SparseError.dimensionMismatch("LU needs a square matrix, got \(matrix.rowCount)x\(matrix.columnCount)")
    }
    try matrix.checkFinite()
    self.matrix = matrix
    umfpack_di_defaults(&control)
    var info = [Double](repeating: 0, count: Int(UMFPACK_INFO))
    let n = Int32(matrix.rowCount)
    var symbolic: UnsafeMutableRawPointer?
    var status = matrix.rowPointers.withUnsafeBufferPointer { p in
      matrix.columnIndices.withUnsafeBufferPointer { i in
        matrix.values.withUnsafeBufferPointer { x in
          umfpack_di_symbolic(n, n, p.baseAddress, i.baseAddress, x.baseAddress, &symbolic, control, &info)
        }
      }
    }
    try Self.check(status, "umfpack_di_symbolic")
    defer { umfpack_di_free_symbolic(&symbolic) }
    status = matrix.rowPointers.withUnsafeBufferPointer { p in
      matrix.columnIndices.withUnsafeBufferPointer { i in
        matrix.values.withUnsafeBufferPointer { x in
          umfpack_di_numeric(p.baseAddress, i.baseAddress, x.baseAddress, symbolic, &numeric, control, &info)
        }
      }
    }
    if status == UMFPACK_WARNING_singular_matrix {
      umfpack_di_free_numeric(&numeric)
      throw SparseError.singular("UMFPACK found a zero pivot (estimated condition number ∞)")
    }
    try Self.check(status, "umfpack_di_numeric")
  }

  deinit { umfpack_di_free_numeric(&numeric) }

  private static func check(_ status: Int32, _ call: String) throws {
    guard status == UMFPACK_OK else {
      let meaning =
        [
          UMFPACK_ERROR_out_of_memory: "out of memory", UMFPACK_ERROR_invalid_matrix: "invalid matrix",
          UMFPACK_ERROR_argument_missing: "argument missing",
        ][status] ?? "see UMFPACK's status codes"
      throw SparseError.factorizationFailed(library: "UMFPACK", status: Int(status), message: "\(call): \(meaning)")
    }
  }

  /// Solves `A x = b`.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` for a wrong length.
  public func solve(_ b: [Double]) throws -> [Double] {
    guard b.count == size else { throw SparseError.dimensionMismatch("right-hand side of length \(b.count) for size \(size)") }
    var x = [Double](repeating: 0, count: size)
    var info = [Double](repeating: 0, count: Int(UMFPACK_INFO))
    let status = matrix.rowPointers.withUnsafeBufferPointer { p in
      matrix.columnIndices.withUnsafeBufferPointer { i in
        matrix.values.withUnsafeBufferPointer { v in
          // UMFPACK holds Aᵀ (our CSR read as CSC); solving its transposed system gives A x = b.
          umfpack_di_solve(Int32(UMFPACK_At), p.baseAddress, i.baseAddress, v.baseAddress, &x, b, numeric, control, &info)
        }
      }
    }
    if status == UMFPACK_WARNING_singular_matrix { throw SparseError.singular("UMFPACK solve met a zero pivot") }
    try Self.check(status, "umfpack_di_solve")
    return x
  }
}
