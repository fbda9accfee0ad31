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
      accumulator.addRowProduct(r.values[s], row: Int(r.columns[s]), a, p)
    }
  }
}

extension CSRMatrix {
  /// Returns `R · A · P` with `R` a Kronecker product of at most three factors (a multigrid
  /// restriction between grid levels), whose rows are generated from the factors instead of
  /// being read from an assembled matrix; otherwise as
  /// ``galerkinProduct(restriction:prolongation:)-(CSRMatrix,_)``.
  public func galerkinProduct(restriction r: KroneckerProduct, prolongation p: CSRMatrix) throws -> CSRMatrix {
    guard r.factors.count <= 3 else { return try galerkinProduct(restriction: r.assembled(), prolongation: p) }
    guard r.columnCount == rowCount, columnCount == p.rowCount else {
      throw SparseError.dimensionMismatch(
        "R \(r.rowCount)x\(r.columnCount) · A \(rowCount)x\(columnCount) · P \(p.rowCount)x\(p.columnCount)")
    }
    // Pad to three axes with 1×1 identity factors in front.
    let one = CSRMatrix(unchecked: 1, 1, [0, 1], [0], [1])
    let factors = Array(repeating: one, count: 3 - r.factors.count) + r.factors
    let (rows, columns, work) = (r.rowCount, p.columnCount, p.nonzeroCount * 16)
    return try factors[0].withRawParts { f0 in
      try factors[1].withRawParts { f1 in
        try factors[2].withRawParts { f2 in
          try withRawParts { aParts in
            try p.withRawParts { pParts in
              let terms = KroneckerGalerkinTerms(
                r: (f0, f1, f2), counts: (factors[1].rowCount, factors[2].rowCount),
                strides: (factors[1].columnCount * factors[2].columnCount, factors[2].columnCount), a: aParts, p: pParts)
              return try CSRMatrix(rowCount: rows, columnCount: columns, work: work, terms: terms)
            }
          }
        }
      }
    }
  }
}

/// The terms of `R A P` with `R = R₀ ⊗ R₁ ⊗ R₂`: coarse row `I = (I₀, I₁, I₂)` has the entries
/// `R₀[I₀, i₀] R₁[I₁, i₁] R₂[I₂, i₂]` at fine index `i₀ s₀ + i₁ s₁ + i₂`.
private struct KroneckerGalerkinTerms: SparseRowTerms {
  let r: (CSRRawParts, CSRRawParts, CSRRawParts)
  /// Rows of `R₁` and `R₂`.
  let counts: (Int, Int)
  /// Fine-index strides of axes 0 and 1.
  let strides: (Int, Int)
  let a: CSRRawParts
  let p: CSRRawParts

  @inline(__always) func accumulate(row: Int, into accumulator: inout SparseRowAccumulator) {
    let (rest, i2) = row.quotientAndRemainder(dividingBy: counts.1)
    let (i0, i1) = rest.quotientAndRemainder(dividingBy: counts.0)
    for s0 in r.0.entries(i0) {
      let (c0, w0) = (Int(r.0.columns[s0]) * strides.0, r.0.values[s0])
      for s1 in r.1.entries(i1) {
        let (c1, w1) = (c0 + Int(r.1.columns[s1]) * strides.1, w0 * r.1.values[s1])
        for s2 in r.2.entries(i2) {
          accumulator.addRowProduct(w1 * r.2.values[s2], row: c1 + Int(r.2.columns[s2]), a, p)
        }
      }
    }
  }
}

extension SparseRowAccumulator {
  /// Adds `weight · (A P)_i,:` = `weight · Σ_j A_ij P_j,:`, the part of a Galerkin row that one
  /// restriction entry contributes.
  @inline(__always) mutating func addRowProduct(_ weight: Double, row i: Int, _ a: CSRRawParts, _ p: CSRRawParts) {
    for t in a.entries(i) {
      let j = Int(a.columns[t]), wa = weight * a.values[t]
      for u in p.entries(j) { add(column: p.columns[u], value: wa * p.values[u]) }
    }
  }
}
