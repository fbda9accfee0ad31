/// A sparse matrix in compressed sparse row (CSR) form, `Double` values, 32-bit indices.
///
/// Row `i` holds the entries `values[k]` at columns `columnIndices[k]` for
/// `k ∈ rowPointers[i] ..< rowPointers[i+1]`; columns within a row are strictly increasing (no
/// duplicates). 32-bit indices halve the index traffic of SpMV and let CHOLMOD and UMFPACK read
/// the arrays without a copy; they limit a matrix to 2³¹−1 nonzeros.
public struct CSRMatrix: Sendable, Equatable {
  /// Number of rows.
  public let rowCount: Int
  /// Number of columns.
  public let columnCount: Int
  /// `rowCount + 1` offsets into ``columnIndices`` and ``values``.
  public let rowPointers: [Int32]
  /// Column of each stored entry, increasing within a row.
  public let columnIndices: [Int32]
  /// Value of each stored entry.
  public var values: [Double]

  /// Wraps CSR arrays after checking that they describe a valid matrix.
  /// - Throws: ``SparseError/invalidStructure(_:)`` naming the first inconsistency (pointer
  ///   count, non-monotone pointers, an out-of-range or unsorted column index).
  public init(rowCount: Int, columnCount: Int, rowPointers: [Int32], columnIndices: [Int32], values: [Double]) throws {
    guard rowCount >= 0, columnCount >= 0, rowPointers.count == rowCount + 1, rowPointers.first == 0,
      Int(rowPointers[rowCount]) == columnIndices.count, columnIndices.count == values.count
    else {
      throw SparseError.invalidStructure(
        "\(rowCount)x\(columnCount) matrix with \(rowPointers.count) row pointers, \(columnIndices.count) indices, \(values.count) values")
    }
    for i in 0..<rowCount {
      let lo = Int(rowPointers[i]), hi = Int(rowPointers[i + 1])
      guard lo <= hi, hi <= values.count else {
        throw SparseError.invalidStructure("row pointers decrease or exceed \(values.count) entries at row \(i)")
      }
    }
    for i in 0..<rowCount {
      let lo = Int(rowPointers[i]), hi = Int(rowPointers[i + 1])
      for k in lo..<hi {
        let c = Int(columnIndices[k])
        guard c >= 0, c < columnCount else {
          throw SparseError.invalidStructure("row \(i) has column \(c) outside 0..<\(columnCount)")
        }
        guard k == lo || columnIndices[k - 1] < columnIndices[k] else {
          throw SparseError.invalidStructure("row \(i) has unsorted or duplicate column \(c)")
        }
      }
    }
    self.init(unchecked: rowCount, columnCount, rowPointers, columnIndices, values)
  }

  /// Wraps arrays already known to be valid (internal constructors).
  init(unchecked rowCount: Int, _ columnCount: Int, _ rowPointers: [Int32], _ columnIndices: [Int32], _ values: [Double]) {
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.rowPointers = rowPointers
    self.columnIndices = columnIndices
    self.values = values
  }

  /// Number of stored entries.
  public var nonzeroCount: Int { values.count }

  /// The `n × n` identity.
  public static func identity(_ n: Int) -> CSRMatrix {
    CSRMatrix(unchecked: n, n, (0...n).map(Int32.init), (0..<n).map(Int32.init), Array(repeating: 1, count: n))
  }

  /// The diagonal entries `A_ii` for `i < min(rowCount, columnCount)` (zero where not stored).
  public func diagonal() -> [Double] {
    (0..<min(rowCount, columnCount)).map { self[$0, $0] }
  }

  /// The bandwidth: the largest `|i − j|` over the stored entries `(i, j)` (0 for a diagonal or
  /// empty matrix). Columns are sorted, so each row's first and last entries decide.
  public var bandwidth: Int {
    var width = 0
    for i in 0..<rowCount where rowPointers[i] < rowPointers[i + 1] {
      width = max(width, i - Int(columnIndices[Int(rowPointers[i])]), Int(columnIndices[Int(rowPointers[i + 1]) - 1]) - i)
    }
    return width
  }

  /// Entry `(row, column)`, zero if not stored (binary search within the row).
  public subscript(row: Int, column: Int) -> Double {
    var lo = Int(rowPointers[row]), hi = Int(rowPointers[row + 1])
    let c = Int32(column)
    while lo < hi {
      let mid = (lo + hi) / 2
      if columnIndices[mid] < c { lo = mid + 1 } else { hi = mid }
    }
    return lo < Int(rowPointers[row + 1]) && columnIndices[lo] == c ? values[lo] : 0
  }

  /// True if `A == Aᵀ` entry by entry, up to `tolerance · max|A_ij|`. Returns the first
  /// mismatching `(row, column)` or nil when symmetric.
  public func firstAsymmetry(tolerance: Double = 0) -> (row: Int, column: Int)? {
    guard rowCount == columnCount else { return (rowCount, columnCount) }
    let scale = values.reduce(0) { max($0, abs($1)) }
    for i in 0..<rowCount {
      for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) {
        let j = Int(columnIndices[k])
        if abs(values[k] - self[j, i]) > tolerance * scale { return (i, j) }
      }
    }
    return nil
  }

  /// Throws if any stored value is NaN or infinite, naming its position.
  public func checkFinite(name: String = "matrix") throws {
    if let k = values.firstIndex(where: { !$0.isFinite }) {
      let row = rowPointers.lastIndex(where: { Int($0) <= k }) ?? 0
      throw SparseError.nonFinite("\(name) entry (\(row), \(columnIndices[k])) is \(values[k])")
    }
  }
}
