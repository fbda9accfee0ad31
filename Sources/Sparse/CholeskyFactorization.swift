import CSuiteSparse

/// A sparse Cholesky factorization `P A Pᵀ = L Lᵀ` of a symmetric positive definite matrix, by
/// CHOLMOD (supernodal, AMD/METIS fill-reducing ordering chosen by CHOLMOD).
///
/// Factor once, then solve for as many right-hand sides as needed. The CSR arrays are handed to
/// CHOLMOD without a copy: a symmetric matrix's CSR arrays are its CSC arrays, and CHOLMOD reads
/// only the upper triangle (`stype = 1`).
///
/// Not thread-safe: one `CholeskyFactorization` serves one thread at a time.
///
/// References: Chen, Davis, Hager, Rajamanickam 2008, "CHOLMOD, supernodal sparse Cholesky
/// factorization and update/downdate", ACM TOMS 35(3).
public final class CholeskyFactorization {
  private let common: UnsafeMutablePointer<cholmod_common>
  private var factor: UnsafeMutablePointer<cholmod_factor>?
  /// The matrix order.
  public let size: Int

  /// Analyzes and factors `matrix`.
  /// - Throws: ``SparseError/notSymmetric(row:column:)`` if `A ≠ Aᵀ`;
  ///   ``SparseError/notPositiveDefinite(column:)`` with the failing column;
  ///   ``SparseError/nonFinite(_:)`` for NaN/Inf entries; ``SparseError/factorizationFailed(library:status:message:)``
  ///   for CHOLMOD failures such as running out of memory.
  public init(_ matrix: CSRMatrix) throws {
    guard matrix.rowCount == matrix.columnCount else {
      throw SparseError.dimensionMismatch("Cholesky needs a square matrix, got \(matrix.rowCount)x\(matrix.columnCount)")
    }
    try matrix.checkFinite()
    if let (r, c) = matrix.firstAsymmetry(tolerance: 1e-14) { throw SparseError.notSymmetric(row: r, column: c) }
    size = matrix.rowCount
    common = .allocate(capacity: 1)
    cholmod_start(common)
    // Always LLᵀ: CHOLMOD's simplicial default is LDLᵀ, which succeeds on indefinite matrices.
    common.pointee.supernodal = Int32(CHOLMOD_SUPERNODAL)
    // Every stored property is set from here on, so `deinit` frees CHOLMOD's state even when
    // the factorization below throws.
    try withCholmodView(of: matrix) { a in
      factor = cholmod_analyze(a, common)
      try check("cholmod_analyze")
      cholmod_factorize(a, factor, common)
      if common.pointee.status == CHOLMOD_NOT_POSDEF {
        throw SparseError.notPositiveDefinite(column: Int(factor?.pointee.minor ?? 0))
      }
      try check("cholmod_factorize")
    }
  }

  deinit {
    if factor != nil { cholmod_free_factor(&factor, common) }
    cholmod_finish(common)
    common.deallocate()
  }

  private func check(_ call: String) throws {
    let status = Int(common.pointee.status)
    if status < 0 {
      throw SparseError.factorizationFailed(library: "CHOLMOD", status: status, message: "\(call) failed")
    }
  }

  /// Solves `A X = B` for `columns` right-hand sides stored column after column in `b`
  /// (`b.count == size · columns`); returns `X` in the same layout.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` for a wrong length.
  public func solve(_ b: [Double], columns: Int = 1) throws -> [Double] {
    guard b.count == size * columns else {
      throw SparseError.dimensionMismatch("right-hand side of length \(b.count) for \(columns) column(s) of size \(size)")
    }
    var rhs = b
    return try rhs.withUnsafeMutableBufferPointer { buffer in
      var dense = cholmod_dense()
      dense.nrow = size
      dense.ncol = columns
      dense.nzmax = size * columns
      dense.d = size
      dense.x = UnsafeMutableRawPointer(buffer.baseAddress)
      dense.xtype = CHOLMOD_REAL
      dense.dtype = CHOLMOD_DOUBLE
      var solution: UnsafeMutablePointer<cholmod_dense>? = cholmod_solve(CHOLMOD_A, factor, &dense, common)
      defer { cholmod_free_dense(&solution, common) }
      guard let x = solution else {
        throw SparseError.factorizationFailed(library: "CHOLMOD", status: Int(common.pointee.status), message: "cholmod_solve failed")
      }
      let values = x.pointee.x.assumingMemoryBound(to: Double.self)
      return Array(UnsafeBufferPointer(start: values, count: size * columns))
    }
  }

  /// Number of nonzeros in the factor `L` (a measure of fill-in).
  public var factorNonzeros: Int {
    guard let f = factor?.pointee else { return 0 }
    if f.is_super != 0 { return Int(f.xsize) }
    return Int(f.nzmax)
  }
}

/// Presents a CSR matrix to CHOLMOD as a symmetric CSC matrix (upper triangle), without copying.
private func withCholmodView<R>(of matrix: CSRMatrix, _ body: (UnsafeMutablePointer<cholmod_sparse>) throws -> R) rethrows -> R {
  try matrix.rowPointers.withUnsafeBufferPointer { p in
    try matrix.columnIndices.withUnsafeBufferPointer { i in
      try matrix.values.withUnsafeBufferPointer { x in
        var a = cholmod_sparse()
        a.nrow = matrix.rowCount
        a.ncol = matrix.columnCount
        a.nzmax = matrix.nonzeroCount
        a.p = UnsafeMutableRawPointer(mutating: p.baseAddress)
        a.i = UnsafeMutableRawPointer(mutating: i.baseAddress)
        a.x = UnsafeMutableRawPointer(mutating: x.baseAddress)
        a.stype = 1
        a.itype = CHOLMOD_INT
        a.xtype = CHOLMOD_REAL
        a.dtype = CHOLMOD_DOUBLE
        a.sorted = 1
        a.packed = 1
        return try body(&a)
      }
    }
  }
}
