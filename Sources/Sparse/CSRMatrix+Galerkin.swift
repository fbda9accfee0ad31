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
    return try CSRMatrix(rowCount: r.rowCount, columnCount: p.columnCount, work: r.nonzeroCount * 16) { rows, emit in
      forEachTripleTerm(rows, r, p, emit)
    }
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
