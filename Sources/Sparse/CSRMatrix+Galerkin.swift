/// The Galerkin triple product `R A P` of multigrid coarse operators, without forming `A P`.
extension CSRMatrix {
  /// Returns `R · A · P` for `R` (coarse × fine), `A` = `self` (fine × fine) and `P`
  /// (fine × coarse).
  ///
  /// Each coarse row `I` accumulates `Σ_{i} R_Ii Σ_{j} A_ij P_j,:` in a dense scratch row with a
  /// marker array, so the fine-level intermediate `A P` (the largest array of the setup) is never
  /// stored. Two passes — count, then fill the preallocated result — split the coarse rows into
  /// one block per worker. Columns come out sorted.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` when the shapes do not chain;
  ///   ``SparseError/tooLarge(_:)`` beyond 32-bit indices.
  public func galerkinProduct(restriction r: CSRMatrix, prolongation p: CSRMatrix) throws -> CSRMatrix {
    guard r.columnCount == rowCount, columnCount == p.rowCount else {
      throw SparseError.dimensionMismatch(
        "R \(r.rowCount)x\(r.columnCount) · A \(rowCount)x\(columnCount) · P \(p.rowCount)x\(p.columnCount)")
    }
    let n = r.rowCount, m = p.columnCount
    let work = r.nonzeroCount * 16
    var pointers = [Int32](repeating: 0, count: n + 1)
    pointers.withUnsafeMutableBufferPointer { lengths in
      let lengths = SharedMutableBuffer(lengths)
      parallelChunks(count: n, work: work) { _, rows in
        var marker = [Int32](repeating: -1, count: m)
        marker.withUnsafeMutableBufferPointer { mark in
          forEachTripleTerm(rows, r, p) { row, column, _ in
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
    guard nnz < Int(Int32.max) else { throw SparseError.tooLarge("Galerkin product with \(nnz) nonzeros") }
    var columns = [Int32](repeating: 0, count: nnz)
    var values = [Double](repeating: 0, count: nnz)
    pointers.withUnsafeBufferPointer { pointersBuffer in
      columns.withUnsafeMutableBufferPointer { columnsBuffer in
        values.withUnsafeMutableBufferPointer { valuesBuffer in
          let output = SortedRowWriter(pointers: pointersBuffer, columns: columnsBuffer, values: valuesBuffer)
          parallelChunks(count: n, work: work) { _, rows in
            var accumulator = [Double](repeating: 0, count: m)
            var marker = [Int32](repeating: -1, count: m)
            accumulator.withUnsafeMutableBufferPointer { acc in
              marker.withUnsafeMutableBufferPointer { mark in
                var current = -1, fill = 0
                forEachTripleTerm(rows, r, p) { row, column, value in
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
    return CSRMatrix(unchecked: n, m, pointers, columns, values)
  }

  /// Calls `body(I, J, R_Ii·A_ij·P_jJ)` for every term of the coarse rows `rows`, row by row.
  @inline(__always)
  private func forEachTripleTerm(_ rows: Range<Int>, _ r: CSRMatrix, _ p: CSRMatrix, _ body: (Int, Int, Double) -> Void) {
    r.rowPointers.withUnsafeBufferPointer { rp in
      r.columnIndices.withUnsafeBufferPointer { rc in
        r.values.withUnsafeBufferPointer { rv in
          rowPointers.withUnsafeBufferPointer { ap in
            columnIndices.withUnsafeBufferPointer { ac in
              values.withUnsafeBufferPointer { av in
                p.rowPointers.withUnsafeBufferPointer { pp in
                  p.columnIndices.withUnsafeBufferPointer { pc in
                    p.values.withUnsafeBufferPointer { pv in
                      for row in rows {
                        for s in Int(rp[row])..<Int(rp[row + 1]) {
                          let i = Int(rc[s])
                          let ri = rv[s]
                          for t in Int(ap[i])..<Int(ap[i + 1]) {
                            let j = Int(ac[t])
                            let ra = ri * av[t]
                            for u in Int(pp[j])..<Int(pp[j + 1]) { body(row, Int(pc[u]), ra * pv[u]) }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
