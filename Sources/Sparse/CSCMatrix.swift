/// A sparse matrix in compressed sparse column (CSC) form: column `j` holds entries
/// `values[k]` at rows `rowIndices[k]` for `k ∈ columnPointers[j] ..< columnPointers[j+1]`, rows
/// increasing. This is the layout SuiteSparse, MATLAB and `scipy.sparse.csc_matrix` use.
public struct CSCMatrix: Sendable, Equatable {
  /// The same storage read as the CSR form of `Aᵀ`.
  private let transposeCSR: CSRMatrix

  /// Converts a CSR matrix to CSC.
  public init(_ csr: CSRMatrix) { transposeCSR = csr.transposed() }

  /// Number of rows.
  public var rowCount: Int { transposeCSR.columnCount }
  /// Number of columns.
  public var columnCount: Int { transposeCSR.rowCount }
  /// `columnCount + 1` offsets into ``rowIndices`` and ``values``.
  public var columnPointers: [Int32] { transposeCSR.rowPointers }
  /// Row of each stored entry, increasing within a column.
  public var rowIndices: [Int32] { transposeCSR.columnIndices }
  /// Value of each stored entry.
  public var values: [Double] { transposeCSR.values }
  /// Number of stored entries.
  public var nonzeroCount: Int { transposeCSR.nonzeroCount }

  /// The same matrix in CSR form.
  public var csr: CSRMatrix { transposeCSR.transposed() }

  /// Computes `y = A x` (a scatter over columns, serial).
  public func multiply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    for i in 0..<rowCount { y[i] = 0 }
    let p = columnPointers, r = rowIndices, v = values
    for j in 0..<columnCount {
      let xj = x[j]
      for k in Int(p[j])..<Int(p[j + 1]) { y[Int(r[k])] += v[k] * xj }
    }
  }
}
