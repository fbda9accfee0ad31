import CSuiteSparse

/// A sparse LU factorization `P R A Q = L U` of a general square matrix, by UMFPACK
/// (unsymmetric multifrontal, with row scaling `R` and fill-reducing column ordering `Q`).
///
/// The CSR arrays are the CSC arrays of `Aᵀ`, which UMFPACK factors; solving with its transposed
/// system then gives `A x = b`. The 64-bit-index interface (`umfpack_dl_*`, indices widened
/// once) is used: with 32-bit indices UMFPACK runs out of addressable memory on 3D problems of a
/// few hundred thousand unknowns (the Helmholtz cube at 48³ stopped at 2.3 GB).
///
/// Not thread-safe: one `LUFactorization` serves one thread at a time.
///
/// References: Davis 2004, "Algorithm 832: UMFPACK V4.3 — an unsymmetric-pattern multifrontal
/// method", ACM TOMS 30(2).
public final class LUFactorization {
  private let rowPointers: [Int], columnIndices: [Int], values: [Double]
  private var numeric: UnsafeMutableRawPointer?
  private var control = [Double](repeating: 0, count: Int(UMFPACK_CONTROL))
  /// The matrix order.
  public var size: Int { rowPointers.count - 1 }

  /// Factors `matrix`.
  /// - Throws: ``SparseError/singular(_:)`` if UMFPACK finds a zero pivot;
  ///   ``SparseError/nonFinite(_:)`` for NaN/Inf entries;
  ///   ``SparseError/factorizationFailed(library:status:message:)`` otherwise.
  public init(_ matrix: CSRMatrix) throws {
    guard matrix.rowCount == matrix.columnCount else {
      throw SparseError.dimensionMismatch("LU needs a square matrix, got \(matrix.rowCount)x\(matrix.columnCount)")
    }
    try matrix.checkFinite()
    rowPointers = matrix.rowPointers.map { Int($0) }
    columnIndices = matrix.columnIndices.map { Int($0) }
    values = matrix.values
    umfpack_dl_defaults(&control)
    var info = [Double](repeating: 0, count: Int(UMFPACK_INFO))
    let n = matrix.rowCount
    var symbolic: UnsafeMutableRawPointer?
    var status = rowPointers.withUnsafeBufferPointer { p in
      columnIndices.withUnsafeBufferPointer { i in
        values.withUnsafeBufferPointer { x in
          umfpack_dl_symbolic(n, n, p.baseAddress, i.baseAddress, x.baseAddress, &symbolic, control, &info)
        }
      }
    }
    try Self.check(status, "umfpack_dl_symbolic")
    defer { umfpack_dl_free_symbolic(&symbolic) }
    status = rowPointers.withUnsafeBufferPointer { p in
      columnIndices.withUnsafeBufferPointer { i in
        values.withUnsafeBufferPointer { x in
          umfpack_dl_numeric(p.baseAddress, i.baseAddress, x.baseAddress, symbolic, &numeric, control, &info)
        }
      }
    }
    if status == Int(UMFPACK_WARNING_singular_matrix) {
      umfpack_dl_free_numeric(&numeric)
      throw SparseError.singular("UMFPACK found a zero pivot (estimated condition number ∞)")
    }
    try Self.check(status, "umfpack_dl_numeric")
  }

  deinit { umfpack_dl_free_numeric(&numeric) }

  private static func check(_ status: Int, _ call: String) throws {
    guard status == Int(UMFPACK_OK) else {
      let meaning =
        [
          UMFPACK_ERROR_out_of_memory: "out of memory", UMFPACK_ERROR_invalid_matrix: "invalid matrix",
          UMFPACK_ERROR_argument_missing: "argument missing",
        ][Int32(truncatingIfNeeded: status)] ?? "see UMFPACK's status codes"
      throw SparseError.factorizationFailed(library: "UMFPACK", status: Int(status), message: "\(call): \(meaning)")
    }
  }

  /// Solves `A x = b`.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` for a wrong length.
  public func solve(_ b: [Double]) throws -> [Double] {
    guard b.count == size else { throw SparseError.dimensionMismatch("right-hand side of length \(b.count) for size \(size)") }
    var x = [Double](repeating: 0, count: size)
    var info = [Double](repeating: 0, count: Int(UMFPACK_INFO))
    let status = rowPointers.withUnsafeBufferPointer { p in
      columnIndices.withUnsafeBufferPointer { i in
        values.withUnsafeBufferPointer { v in
          // UMFPACK holds Aᵀ (our CSR read as CSC); solving its transposed system gives A x = b.
          umfpack_dl_solve(Int(UMFPACK_At), p.baseAddress, i.baseAddress, v.baseAddress, &x, b, numeric, control, &info)
        }
      }
    }
    if status == Int(UMFPACK_WARNING_singular_matrix) { throw SparseError.singular("UMFPACK solve met a zero pivot") }
    try Self.check(status, "umfpack_dl_solve")
    return x
  }
}
