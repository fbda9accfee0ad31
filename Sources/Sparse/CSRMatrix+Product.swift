import Parallelism

/// Sparse matrix–matrix products, used for Galerkin coarse operators `Pᵀ A P` in multigrid.
extension CSRMatrix {
  /// Returns `A B`.
  ///
  /// Gustavson's row-by-row algorithm in two passes: a symbolic pass counts each output row's
  /// entries, then a numeric pass accumulates each row in a dense scratch row (with a marker
  /// array) and writes it, sorted, straight into the preallocated result. Both passes split the
  /// rows into one block per worker. Cost `O(flops + nnz(C))`.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` if `A.columnCount != B.rowCount`;
  ///   ``SparseError/tooLarge(_:)`` if the product exceeds 32-bit indices.
  public func multiplied(by b: CSRMatrix) throws -> CSRMatrix {
    guard columnCount == b.rowCount else {
      throw SparseError.dimensionMismatch("\(rowCount)x\(columnCount) times \(b.rowCount)x\(b.columnCount)")
    }
    return try CSRMatrix(rowCount: rowCount, columnCount: b.columnCount, work: nonzeroCount * 4) { rows, emit in
      forEachProductTerm(rows, b) { i, c, aik, bkc in emit(i, c, aik * bkc) }
    }
  }

  /// Builds a matrix whose entries are sums of terms, in two passes over `terms`: one counts
  /// each row's distinct columns, the other accumulates them in a dense scratch row (with a
  /// marker array) and writes them, sorted, into the preallocated result. `terms(rows, emit)`
  /// must call `emit(row, column, value)` for the rows `rows`, row by row in increasing order,
  /// the same way both times. Rows are split into one block per worker.
  init(
    rowCount n: Int, columnCount m: Int, work: Int,
    terms: (_ rows: Range<Int>, _ emit: (Int, Int, Double) -> Void) -> Void
  ) throws {
    var pointers = [Int32](repeating: 0, count: n + 1)
    pointers.withUnsafeMutableBufferPointer { lengths in
      let lengths = SharedPointer(lengths)
      Parallel.forEachRange(count: n, parts: Parallel.workers(forWork: work, perWorker: 50_000)) { _, rows in
        var marker = [Int32](repeating: -1, count: m)
        marker.withUnsafeMutableBufferPointer { mark in
          terms(rows) { row, column, _ in
            if mark[column] != Int32(row) {
              mark[column] = Int32(row)
              lengths.base[row + 1] += 1
            }
          }
        }
      }
    }
    for i in 0..<n { pointers[i + 1] += pointers[i] }
    let nnz = Int(pointers[n])
    guard nnz < Int(Int32.max) else { throw SparseError.tooLarge("product with \(nnz) nonzeros") }
    var columns = [Int32](repeating: 0, count: nnz)
    var values = [Double](repeating: 0, count: nnz)
    pointers.withUnsafeBufferPointer { pointersBuffer in
      columns.withUnsafeMutableBufferPointer { columnsBuffer in
        values.withUnsafeMutableBufferPointer { valuesBuffer in
          let output = SortedRowWriter(pointers: pointersBuffer, columns: columnsBuffer, values: valuesBuffer)
          Parallel.forEachRange(count: n, parts: Parallel.workers(forWork: work, perWorker: 50_000)) { _, rows in
            var accumulator = [Double](repeating: 0, count: m)
            var marker = [Int32](repeating: -1, count: m)
            accumulator.withUnsafeMutableBufferPointer { acc in
              marker.withUnsafeMutableBufferPointer { mark in
                var current = -1, fill = 0
                terms(rows) { row, column, value in
                  if row != current {
                    if current >= 0 { output.finish(row: current, accumulator: acc) }
                    current = row
                    fill = output.start(row: row)
                  }
                  if mark[column] != Int32(row) {
                    mark[column] = Int32(row)
                    acc[column] = value
                    output.columns.base[fill] = Int32(column)
                    fill += 1
                  } else {
                    acc[column] += value
                  }
                }
                if current >= 0 { output.finish(row: current, accumulator: acc) }
              }
            }
          }
        }
      }
    }
    self.init(unchecked: n, m, pointers, columns, values)
  }

  /// Calls `body(i, c, a_ik, b_kc)` for every product term of rows `rows` of `self · b`, row
  /// by row.
  @inline(__always)
  private func forEachProductTerm(_ rows: Range<Int>, _ b: CSRMatrix, _ body: (Int, Int, Double, Double) -> Void) {
    rowPointers.withUnsafeBufferPointer { ap in
      columnIndices.withUnsafeBufferPointer { ac in
        values.withUnsafeBufferPointer { av in
          b.rowPointers.withUnsafeBufferPointer { bp in
            b.columnIndices.withUnsafeBufferPointer { bc in
              b.values.withUnsafeBufferPointer { bv in
                for i in rows {
                  for k in Int(ap[i])..<Int(ap[i + 1]) {
                    let j = Int(ac[k])
                    for m in Int(bp[j])..<Int(bp[j + 1]) { body(i, Int(bc[m]), av[k], bv[m]) }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Returns `A ⊗ B`: entry `(i·p + k, j·q + l) = A_ij · B_kl` for `B` of size `p × q`. Columns
  /// come out sorted, so no reordering is needed.
  /// - Throws: ``SparseError/tooLarge(_:)`` if the product exceeds 32-bit indices.
  public func kronecker(_ b: CSRMatrix) throws -> CSRMatrix {
    let rows = rowCount * b.rowCount, columns = columnCount * b.columnCount
    let nnz = nonzeroCount * b.nonzeroCount
    guard rows < Int(Int32.max), columns < Int(Int32.max), nnz < Int(Int32.max) else {
      throw SparseError.tooLarge("Kronecker product \(rows)x\(columns) with \(nnz) nonzeros")
    }
    var pointers = [Int32](repeating: 0, count: rows + 1)
    var outColumns = [Int32](), outValues = [Double]()
    outColumns.reserveCapacity(nnz)
    outValues.reserveCapacity(nnz)
    for i in 0..<rowCount {
      for k in 0..<b.rowCount {
        for m in Int(rowPointers[i])..<Int(rowPointers[i + 1]) {
          let base = Int32(Int(columnIndices[m]) * b.columnCount)
          for n in Int(b.rowPointers[k])..<Int(b.rowPointers[k + 1]) {
            outColumns.append(base + b.columnIndices[n])
            outValues.append(values[m] * b.values[n])
          }
        }
        pointers[i * b.rowCount + k + 1] = Int32(outValues.count)
      }
    }
    return CSRMatrix(unchecked: rows, columns, pointers, outColumns, outValues)
  }
}

/// Writes the rows of a sparse product into preallocated CSR arrays: a worker fills a row's
/// columns in any order, then ``finish(row:accumulator:)`` sorts them (insertion sort: rows are
/// short) and gathers their values from the dense accumulator. Workers own disjoint rows.
struct SortedRowWriter: @unchecked Sendable {
  let pointers: SharedPointer<Int32>
  let columns: SharedPointer<Int32>
  let values: SharedPointer<Double>

  init(pointers: UnsafeBufferPointer<Int32>, columns: UnsafeMutableBufferPointer<Int32>, values: UnsafeMutableBufferPointer<Double>) {
    self.pointers = SharedPointer(pointers)
    self.columns = SharedPointer(columns)
    self.values = SharedPointer(values)
  }

  /// Offset of row `i`'s first entry.
  @inline(__always) func start(row i: Int) -> Int { Int(pointers.base[i]) }

  /// Sorts row `i`'s columns and copies their accumulated values.
  @inline(__always) func finish(row i: Int, accumulator: UnsafeMutableBufferPointer<Double>) {
    let lo = Int(pointers.base[i]), hi = Int(pointers.base[i + 1])
    var s = lo + 1
    while s < hi {
      let v = columns.base[s]
      var t = s - 1
      while t >= lo && columns.base[t] > v {
        columns.base[t + 1] = columns.base[t]
        t -= 1
      }
      columns.base[t + 1] = v
      s += 1
    }
    for k in lo..<hi { values.base[k] = accumulator[Int(columns.base[k])] }
  }
}
