/// The Galerkin triple product `R A P` of multigrid coarse operators, without forming `A P`.
extension CSRMatrix {
  /// Returns `R · A · P` for `R` (coarse × fine), `A` = `self` (fine × fine) and `P`
  /// (fine × coarse).
  ///
  /// Each coarse row `I` accumulates `Σ_{i} R_Ii Σ_{j} A_ij P_j,:` in a dense scratch row with a
  /// marker array, so the fine-level intermediate `A P` (the largest array of the setup) is never
  /// stored. One pass over the coarse rows, one block per worker. Columns come out sorted.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` when the shapes do not chain;
  ///   ``SparseError/tooLarge(_:)`` beyond 32-bit indices.
  public func galerkinProduct(restriction r: CSRMatrix, prolongation p: CSRMatrix) throws -> CSRMatrix {
    guard r.columnCount == rowCount, columnCount == p.rowCount else {
      throw SparseError.dimensionMismatch(
        "R \(r.rowCount)x\(r.columnCount) · A \(rowCount)x\(columnCount) · P \(p.rowCount)x\(p.columnCount)")
    }
    let (rows, columns, work) = (r.rowCount, p.columnCount, r.nonzeroCount * 16)
    return try r.withRawParts { rParts in
      try withRawParts { aParts in
        try p.withRawParts { pParts in
          try CSRMatrix(rowCount: rows, columnCount: columns, work: work, terms: GalerkinTerms(r: rParts, a: aParts, p: pParts))
        }
      }
    }
  }
}

/// The terms of `R A P`: coarse row `I` is `Σ_i R_Ii Σ_j A_ij P_j,:`.
private struct GalerkinTerms: SparseRowTerms {
  let r: CSRRawParts
  let a: CSRRawParts
  let p: CSRRawParts

  @inline(__always) func accumulate(row: Int, into accumulator: inout SparseRowAccumulator) {
    for s in r.entries(row) {
      let i = Int(r.columns[s]), ri = r.values[s]
      for t in a.entries(i) {
        let j = Int(a.columns[t]), ra = ri * a.values[t]
        for u in p.entries(j) { accumulator.add(column: p.columns[u], value: ra * p.values[u]) }
      }
    }
  }
}
