/// Transposition: the CSR form of `Aᵀ`, which is also the CSC form of `A`.
extension CSRMatrix {
  /// Returns `Aᵀ` in CSR form (a counting sort over columns, `O(nnz + n)`).
  public func transposed() -> CSRMatrix {
    var pointers = [Int32](repeating: 0, count: columnCount + 1)
    for c in columnIndices { pointers[Int(c) + 1] += 1 }
    for c in 0..<columnCount { pointers[c + 1] += pointers[c] }
    var next = pointers.map(Int.init)
    var rows = [Int32](repeating: 0, count: nonzeroCount)
    var vals = [Double](repeating: 0, count: nonzeroCount)
    for i in 0..<rowCount {
      for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) {
        let c = Int(columnIndices[k])
        rows[next[c]] = Int32(i)
        vals[next[c]] = values[k]
        next[c] += 1
      }
    }
    return CSRMatrix(unchecked: columnCount, rowCount, pointers, rows, vals)
  }
}
