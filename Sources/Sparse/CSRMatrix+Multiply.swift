/// Sparse matrix–vector products, parallel over rows.
extension CSRMatrix {
  /// Computes `y = A x`. `x` holds ``columnCount`` values, `y` holds ``rowCount``.
  ///
  /// Rows are split into one contiguous block per worker (``SparseThreads``); each worker writes
  /// only its own rows, so the result does not depend on the number of workers.
  public func multiply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    precondition(x.count >= columnCount && y.count >= rowCount, "SpMV buffer sizes")
    rowPointers.withUnsafeBufferPointer { rp in
      columnIndices.withUnsafeBufferPointer { ci in
        values.withUnsafeBufferPointer { v in
          let (rp, ci, v, x, y) = (SharedBuffer(rp), SharedBuffer(ci), SharedBuffer(v), SharedBuffer(x), SharedMutableBuffer(y))
          parallelChunks(count: rowCount, work: nonzeroCount) { _, rows in
            for i in rows {
              var sum = 0.0
              for k in Int(rp.base[i])..<Int(rp.base[i + 1]) { sum += v.base[k] * x.base[Int(ci.base[k])] }
              y.base[i] = sum
            }
          }
        }
      }
    }
  }

  /// Returns `A x`.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` if `x.count != columnCount`.
  public func multiplied(by x: [Double]) throws -> [Double] {
    guard x.count == columnCount else {
      throw SparseError.dimensionMismatch("\(rowCount)x\(columnCount) matrix times a vector of \(x.count)")
    }
    var y = [Double](repeating: 0, count: rowCount)
    x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { multiply(xb, into: $0) } }
    return y
  }
}
