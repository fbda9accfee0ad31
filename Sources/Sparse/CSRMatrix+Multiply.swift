import Parallelism

/// Sparse matrix–vector products, parallel over rows.
extension CSRMatrix {
  /// Computes `y = A x`. `x` holds ``columnCount`` values, `y` holds ``rowCount``.
  ///
  /// Rows are split into one contiguous block per worker (``Parallel``); each worker writes
  /// only its own rows, so the result does not depend on the number of workers.
  public func multiply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    precondition(x.count >= columnCount && y.count >= rowCount, "SpMV buffer sizes")
    forEachRowProduct(x) { i, ax in y[i] = ax }
  }

  /// Computes `y ← y + A x` in one pass (no temporary for `A x`).
  public func multiplyAdd(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    precondition(x.count >= columnCount && y.count >= rowCount, "SpMV buffer sizes")
    forEachRowProduct(x) { i, ax in y[i] += ax }
  }

  /// Computes the residual `r = b − A x` in one pass.
  public func residual(
    _ b: UnsafeBufferPointer<Double>, _ x: UnsafeBufferPointer<Double>, into r: UnsafeMutableBufferPointer<Double>
  ) {
    precondition(x.count >= columnCount && b.count >= rowCount && r.count >= rowCount, "residual buffer sizes")
    forEachRowProduct(x) { i, ax in r[i] = b[i] - ax }
  }

  /// Calls `store(i, (A x)_i)` for every row, rows split into one block per worker; each worker
  /// handles only its own rows, so the sums do not depend on the number of workers.
  @inline(__always)
  private func forEachRowProduct(_ x: UnsafeBufferPointer<Double>, _ store: (Int, Double) -> Void) {
    rowPointers.withUnsafeBufferPointer { rp in
      columnIndices.withUnsafeBufferPointer { ci in
        values.withUnsafeBufferPointer { v in
          let (rp, ci, v, x) = (SharedPointer(rp), SharedPointer(ci), SharedPointer(v), SharedPointer(x))
          Parallel.forEachRange(count: rowCount, parts: Parallel.workers(forWork: nonzeroCount, perWorker: 50_000)) { _, rows in
            for i in rows {
              var sum = 0.0
              for k in Int(rp.base[i])..<Int(rp.base[i + 1]) { sum += v.base[k] * x.base[Int(ci.base[k])] }
              store(i, sum)
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
