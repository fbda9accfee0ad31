/// A sparse matrix as a list of `(row, column, value)` triplets, for assembly.
///
/// Duplicates are allowed and are **summed** when converted to CSR — the way finite-element and
/// finite-volume assembly adds element contributions.
public struct COOMatrix: Sendable {
  /// Number of rows.
  public let rowCount: Int
  /// Number of columns.
  public let columnCount: Int
  /// Row of each triplet.
  public private(set) var rows: [Int32] = []
  /// Column of each triplet.
  public private(set) var columns: [Int32] = []
  /// Value of each triplet.
  public private(set) var values: [Double] = []

  /// An empty `rowCount × columnCount` matrix; `reserve` triplets are preallocated.
  public init(rowCount: Int, columnCount: Int, reserve: Int = 0) {
    self.rowCount = rowCount
    self.columnCount = columnCount
    rows.reserveCapacity(reserve)
    columns.reserveCapacity(reserve)
    values.reserveCapacity(reserve)
  }

  /// Adds `value` at `(row, column)` (summed with any earlier entry there).
  /// - Precondition: the position is inside the matrix (assembly code computes it).
  public mutating func append(row: Int, column: Int, value: Double) {
    precondition(
      row >= 0 && row < rowCount && column >= 0 && column < columnCount, "triplet (\(row), \(column)) outside \(rowCount)x\(columnCount)")
    rows.append(Int32(row))
    columns.append(Int32(column))
    values.append(value)
  }

  /// Number of triplets (before duplicates are summed).
  public var count: Int { values.count }
}

extension CSRMatrix {
  /// Converts triplets to CSR, summing duplicates and sorting columns within rows.
  ///
  /// Two counting-sort passes (by column, then stably by row) give sorted rows in `O(nnz + n)`.
  /// - Throws: ``SparseError/tooLarge(_:)`` beyond 2³¹−1 entries; ``SparseError/invalidStructure(_:)``
  ///   for a triplet outside the matrix.
  public init(_ coo: COOMatrix) throws {
    try self.init(rowCount: coo.rowCount, columnCount: coo.columnCount, rows: coo.rows, columns: coo.columns, values: coo.values)
  }

  /// Builds a matrix from triplet arrays (duplicates summed). See ``init(_:)-(COOMatrix)``.
  public init(rowCount: Int, columnCount: Int, rows: [Int32], columns: [Int32], values: [Double]) throws {
    let nnz = values.count
    guard rows.count == nnz, columns.count == nnz else {
      throw SparseError.invalidStructure("\(rows.count) rows, \(columns.count) columns, \(nnz) values")
    }
    guard nnz < Int(Int32.max), rowCount < Int(Int32.max), columnCount < Int(Int32.max) else {
      throw SparseError.tooLarge("\(rowCount)x\(columnCount) with \(nnz) triplets exceeds 32-bit indices")
    }
    if let k = (0..<nnz).first(where: { rows[$0] < 0 || Int(rows[$0]) >= rowCount || columns[$0] < 0 || Int(columns[$0]) >= columnCount }) {
      throw SparseError.invalidStructure("triplet \(k) at (\(rows[k]), \(columns[k])) is outside \(rowCount)x\(columnCount)")
    }
    // Pass 1: bucket by column.
    var columnStart = [Int](repeating: 0, count: columnCount + 1)
    for c in columns { columnStart[Int(c) + 1] += 1 }
    for c in 0..<columnCount { columnStart[c + 1] += columnStart[c] }
    var byColumn = [Int](repeating: 0, count: nnz)
    var next = columnStart
    for k in 0..<nnz {
      let c = Int(columns[k])
      byColumn[next[c]] = k
      next[c] += 1
    }
    // Pass 2: stable bucket by row, so columns come out sorted within each row.
    var rowStart = [Int](repeating: 0, count: rowCount + 1)
    for r in rows { rowStart[Int(r) + 1] += 1 }
    for r in 0..<rowCount { rowStart[r + 1] += rowStart[r] }
    var sorted = [Int](repeating: 0, count: nnz)
    next = rowStart
    for k in byColumn {
      let r = Int(rows[k])
      sorted[next[r]] = k
      next[r] += 1
    }
    // Merge duplicates.
    var pointers = [Int32](repeating: 0, count: rowCount + 1)
    var outColumns = [Int32](), outValues = [Double]()
    outColumns.reserveCapacity(nnz)
    outValues.reserveCapacity(nnz)
    for r in 0..<rowCount {
      let rowBegin = outValues.count
      for s in rowStart[r]..<rowStart[r + 1] {
        let k = sorted[s]
        if outValues.count > rowBegin, outColumns[outColumns.count - 1] == columns[k] {
          outValues[outValues.count - 1] += values[k]
        } else {
          outColumns.append(columns[k])
          outValues.append(values[k])
        }
      }
      pointers[r + 1] = Int32(outValues.count)
    }
    self.init(unchecked: rowCount, columnCount, pointers, outColumns, outValues)
  }
}
