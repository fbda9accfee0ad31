import Sparse

/// Raw pointers for one Gauss–Seidel sweep over a system whose unknowns come in pairs, one pair
/// per grid point: a complex operator in real interleaved form (`x[2p] = Re u_p`,
/// `x[2p+1] = Im u_p`, each complex entry a 2×2 block). Each point's 2×2 diagonal block is solved
/// exactly, which makes the sweep complex Gauss–Seidel on the complex system — what a smoother
/// of the complex shifted Laplacian needs: on coarse levels of a Helmholtz hierarchy the real
/// part of the diagonal, `a_pp − k² V_p`, passes through zero, while the complex diagonal keeps
/// the shift's imaginary part.
///
/// Workers sweep disjoint blocks of points and read the other blocks only through `old` (as in
/// the scalar sweep of ``MultigridPreconditioner``), so sharing the pointers is safe.
struct PairGaussSeidelSweep: @unchecked Sendable {
  let rowPointers: UnsafePointer<Int32>
  let columns: UnsafePointer<Int32>
  let values: UnsafePointer<Double>
  /// The inverse of each point's diagonal block, row-major, 4 values per point.
  let inverseBlocks: UnsafePointer<Double>
  let b: UnsafePointer<Double>
  let old: UnsafePointer<Double>
  let x: UnsafeMutablePointer<Double>
  /// The largest `|i − j|` over the entries `a_ij`.
  let bandwidth: Int

  /// `(x_{2p}, x_{2p+1}) ← D_p⁻¹ (b − Σ_{j ∉ p} a_{·j} x_j)` for the points of one block, in
  /// increasing (`forward`) or decreasing order. `fromZero`: the sweep starts from `x = 0`, so
  /// values outside the block count as zero and the block's own unswept values are zeroed first.
  func run(points: Range<Int>, forward: Bool, fromZero: Bool) {
    let lo = 2 * points.lowerBound, hi = 2 * points.upperBound
    if fromZero { (x + lo).update(repeating: 0, count: hi - lo) }
    @inline(__always) func offDiagonalSum(row: Int, point p: Int) -> Double {
      var s = b[row]
      for k in Int(rowPointers[row])..<Int(rowPointers[row + 1]) {
        let j = Int(columns[k])
        if j >> 1 == p { continue }
        if j >= lo && j < hi {
          s -= values[k] * x[j]
        } else if !fromZero {
          s -= values[k] * old[j]
        }
      }
      return s
    }
    @inline(__always) func relax(_ p: Int) {
      let s0 = offDiagonalSum(row: 2 * p, point: p), s1 = offDiagonalSum(row: 2 * p + 1, point: p)
      let d = inverseBlocks + 4 * p
      x[2 * p] = d[0] * s0 + d[1] * s1
      x[2 * p + 1] = d[2] * s0 + d[3] * s1
    }
    // Points whose entries all lie in this block update in residual form, u_p += D_p⁻¹ r_p, with
    // no test per entry (from zero, the block was zeroed, so unswept values read as zero).
    let innerStart = min(points.lowerBound + (bandwidth + 1) / 2, points.upperBound)
    let inner = innerStart..<max(innerStart, points.upperBound - (bandwidth + 1) / 2)
    @inline(__always) func residual(row: Int) -> Double {
      var s = b[row]
      for k in Int(rowPointers[row])..<Int(rowPointers[row + 1]) { s -= values[k] * x[Int(columns[k])] }
      return s
    }
    @inline(__always) func step(_ p: Int) {
      guard inner.contains(p) else { return relax(p) }
      let r0 = residual(row: 2 * p), r1 = residual(row: 2 * p + 1)
      let d = inverseBlocks + 4 * p
      x[2 * p] += d[0] * r0 + d[1] * r1
      x[2 * p + 1] += d[2] * r0 + d[3] * r1
    }
    if forward { for p in points { step(p) } } else { for p in points.reversed() { step(p) } }
  }
}

/// The inverses of the 2×2 diagonal blocks of a matrix in real interleaved form, row-major, 4
/// values per point.
/// - Throws: ``KrylovError/preconditionerFailed(_:)`` for a singular or non-finite block.
func inversePairBlocks(_ matrix: CSRMatrix) throws -> [Double] {
  let points = matrix.rowCount / 2
  var inverse = [Double](repeating: 0, count: 4 * points)
  for p in 0..<points {
    var block = [0.0, 0, 0, 0]
    for (r, row) in [2 * p, 2 * p + 1].enumerated() {
      for k in Int(matrix.rowPointers[row])..<Int(matrix.rowPointers[row + 1]) {
        let j = Int(matrix.columnIndices[k])
        if j >> 1 == p { block[2 * r + (j & 1)] += matrix.values[k] }
      }
    }
    let determinant = block[0] * block[3] - block[1] * block[2]
    guard determinant != 0, determinant.isFinite else {
      throw KrylovError.preconditionerFailed("multigrid smoother needs invertible 2x2 diagonal blocks; the block of point \(p) is \(block)")
    }
    inverse.replaceSubrange(
      (4 * p)..<(4 * p + 4), with: [block[3] / determinant, -block[1] / determinant, -block[2] / determinant, block[0] / determinant])
  }
  return inverse
}
