extension CSRMatrix {
  /// Rows `rows` of the matrix, with their (global) column indices: a rank's block of a
  /// distributed matrix (`rows.count` rows, every column).
  /// - Throws: ``SparseError`` if `rows` is not within the matrix.
  public func rowBlock(_ rows: Range<Int>) throws -> CSRMatrix {
    guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
      throw SparseError.dimensionMismatch("rows \(rows) of a matrix with \(rowCount) rows")
    }
    let start = Int(rowPointers[rows.lowerBound]), end = Int(rowPointers[rows.upperBound])
    return CSRMatrix(
      unchecked: rows.count, columnCount, rowPointers[rows.lowerBound...rows.upperBound].map { $0 - Int32(start) },
      Array(columnIndices[start..<end]), Array(values[start..<end]))
  }
}
