import CBLAS

/// Recycled (deflated) preconditioned CG for sequences of symmetric positive definite systems:
/// a k-dimensional subspace `U` of approximate eigenvectors for the smallest eigenvalues is
/// carried from one solve to the next and deflated from every search direction — the SPD
/// counterpart of GCRO-DR for the symmetric SKR families.
///
/// Per solve, with `C = A U` (k operator applications for the new matrix) and `G = Uᵀ A U`:
/// the initial guess is corrected so that `Uᵀ r₀ = 0` (`x += U G⁻¹ Uᵀ r`), and every direction
/// is made A-orthogonal to `U`, `p = z + β p − U G⁻¹ Cᵀ z` (Saad, Yeung, Erhel, Guyomarc'h 2000,
/// deflated CG). CG then works on the complement of `U`, where the smallest eigenvalues are
/// removed. After the solve `U` is renewed by Rayleigh–Ritz on `W = [U, P]` (`P` the last
/// `window` search directions, whose images `A P` CG already computed): the k eigenvectors of
/// `Wᵀ A W y = θ Wᵀ W y` with the smallest `θ` (LAPACK `dsygv`), so the subspace follows the
/// low end of the changing matrices (Parks et al. 2006 harvest Ritz vectors the same way).
///
/// The answer is judged by the recursively updated residual like ``ConjugateGradient`` (and
/// generators recompute the true residual). If `G` is not positive definite (a recycled space
/// degenerate for the new matrix) the space is dropped and the solve is plain PCG.
public final class RecycledConjugateGradient: RecyclingSolver {
  /// Tolerances and caps.
  public let options: SolverOptions
  /// The recycled dimension `k`.
  public let recycleDimension: Int
  /// Search directions kept for renewing `U` after each solve.
  public let window: Int
  /// The recycled subspace `U`, carried to the next solve.
  public private(set) var recycledVectors: [[Double]] = []
  /// The system size.
  public let size: Int
  /// The vectors of the iteration, allocated once and reused by every solve.
  private var workspace: (r: [Double], z: [Double], p: [Double], q: [Double])

  /// A solver for systems of `size` unknowns recycling `recycleDimension` vectors, renewed from
  /// the last `window` search directions of each solve.
  public init(size: Int, options: SolverOptions = SolverOptions(), recycleDimension: Int = 10, window: Int = 20) {
    self.size = size
    self.options = options
    self.recycleDimension = max(0, recycleDimension)
    self.window = max(1, window)
    let zeros = [Double](repeating: 0, count: size)
    workspace = (zeros, zeros, zeros, zeros)
  }

  /// Forgets the recycled subspace.
  public func resetRecycling() { recycledVectors = [] }

  /// `"recycled CG"`.
  public var methodName: String { "recycled CG" }

  /// Deflated PCG from `x`, recycling the subspace kept from the previous solve (if any) and
  /// keeping a renewed one for the next; the preconditioner must be SPD. See
  /// ``KrylovSolver/solve(_:_:_:preconditioner:monitor:)``.
  public func iterate(
    _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], preconditioner: (any Preconditioner)?, monitor: SolverMonitor?,
    rule: StoppingRule, report: inout SolveReport
  ) {
    let n = size
    let (tolerance, convergedReason) = (rule.tolerance, rule.convergedReason)
    // The workspace, moved out for the solve (so writes do not copy) and back after.
    var (r, z, p, q) = ([Double](), [Double](), [Double](), [Double]())
    swap(&r, &workspace.r)
    swap(&z, &workspace.z)
    swap(&p, &workspace.p)
    swap(&q, &workspace.q)
    defer {
      swap(&r, &workspace.r)
      swap(&z, &workspace.z)
      swap(&p, &workspace.p)
      swap(&q, &workspace.q)
    }
    // w ← A v
    func apply(_ v: [Double], into w: inout [Double]) {
      v.withUnsafeBufferPointer { vp in w.withUnsafeMutableBufferPointer { a.apply(vp, into: $0) } }
      report.matvecs += 1
    }
    // The recycled space for this matrix: U, C = A U and the factor of G = Uᵀ C.
    var u = VectorBlock(length: n, columns: recycledVectors)
    var c = VectorBlock(length: n, columns: recycledVectors.map { column in
      var image = [Double](repeating: 0, count: n)
      apply(column, into: &image)
      return image
    })
    let gram = SmallSPD(u.transposedTimes(c), order: u.count)
    if gram == nil {
      (u, c) = (VectorBlock(length: n, count: 0), VectorBlock(length: n, count: 0))
    }
    /// `v ← v − U G⁻¹ (Cᵀ v)`: the part of `v` A-orthogonal to `U` (for directions).
    func deflate(_ v: inout [Double]) {
      guard let g = gram else { return }
      u.subtractTimes(g.solve(c.transposedTimes(v)), from: &v)
    }
    // r ← b − A x
    apply(x, into: &r)
    for i in 0..<n { r[i] = b[i] - r[i] }
    if let g = gram {
      // x += U G⁻¹ Uᵀ r,  r −= C G⁻¹ Uᵀ r.
      let y = g.solve(u.transposedTimes(r))
      u.addTimes(y, to: &x, columns: u.count)
      c.subtractTimes(y, from: &r)
    }
    var rNorm = VectorBlock.norm(r)
    report.residualNorm = rNorm
    if options.recordHistory { report.residualHistory.append(rNorm) }
    guard rNorm.isFinite else { report.reason = .nonFinite; return }
    guard rNorm > tolerance else { report.reason = convergedReason; return }
    // z ← M⁻¹ r,  p ← z − U G⁻¹ Cᵀ z
    precondition(r, into: &z, preconditioner)
    var rho = VectorBlock.dot(r, z)
    p.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i] = z[i] } }
    deflate(&p)
    var directions = DirectionWindow(capacity: window)
    for iteration in stride(from: 1, through: options.iterationCap(size: n), by: 1) {
      // q ← A p
      apply(p, into: &q)
      let pq = VectorBlock.dot(p, q)
      guard pq.isFinite else { report.reason = .nonFinite; break }
      guard pq > 0 else { report.reason = pq == 0 && rho == 0 ? .breakdown : .indefiniteOperator; break }
      let alpha = rho / pq
      for i in 0..<n {
        x[i] += alpha * p[i]  // x ← x + α p
        r[i] -= alpha * q[i]  // r ← r − α q
      }
      directions.append(p, q)
      rNorm = VectorBlock.norm(r)
      if report.finishIteration(
        iteration, residualNorm: rNorm, tolerance: tolerance, convergedReason: convergedReason, options: options, monitor: monitor,
        elapsed: rule.elapsedSeconds)
      {
        break
      }
      // z ← M⁻¹ r,  β = (r·z)_new / (r·z)_old,  p ← (z − U G⁻¹ Cᵀ z) + β p
      precondition(r, into: &z, preconditioner)
      let rhoNext = VectorBlock.dot(r, z)
      guard rhoNext > 0 else { report.reason = rhoNext < 0 ? .indefinitePreconditioner : .breakdown; break }
      let beta = rhoNext / rho
      rho = rhoNext
      deflate(&z)
      for i in 0..<n { p[i] = z[i] + beta * p[i] }
    }
    renew(u: u, c: c, directions: directions)
  }

  /// `z ← M⁻¹ r`, or `z ← r` without a preconditioner.
  private func precondition(_ r: [Double], into z: inout [Double], _ m: (any Preconditioner)?) {
    r.withUnsafeBufferPointer { rp in z.withUnsafeMutableBufferPointer { applyPreconditioner(m, rp, $0) } }
  }

  /// Rayleigh–Ritz on `W = [U, P]` with `A W = [C, A P]`: keeps the k Ritz vectors of the
  /// smallest Ritz values as the next `U` (unchanged if the small problem fails).
  private func renew(u: VectorBlock, c: VectorBlock, directions: DirectionWindow) {
    guard recycleDimension > 0 else { return }
    let w = VectorBlock(length: size, columns: u.columnArrays + directions.directions)
    let aw = VectorBlock(length: size, columns: c.columnArrays + directions.images)
    let order = w.count
    guard order > 0 else { return }
    var stiffness = w.transposedTimes(aw), mass = w.transposedTimes(w)
    for i in 0..<order {
      for j in 0..<i {
        let s = (stiffness[i * order + j] + stiffness[j * order + i]) / 2
        (stiffness[i * order + j], stiffness[j * order + i]) = (s, s)
      }
    }
    var values = [Double](repeating: 0, count: order)
    let info = LAPACKE_dsygv(LAPACK_COL_MAJOR, 1, 86, 85, Int32(order), &stiffness, Int32(order), &mass, Int32(order), &values)
    guard info == 0 else { return }
    // Ascending Ritz values; eigenvectors (columns of `stiffness`) are mass-normalized.
    recycledVectors = (0..<min(recycleDimension, order)).map { j in
      let y = w.times(Array(stiffness[(j * order)..<((j + 1) * order)]))
      let norm = VectorBlock.norm(y)
      return y.map { $0 / norm }
    }
  }
}

/// A small symmetric positive definite matrix, Cholesky-factored for solves.
private struct SmallSPD {
  let order: Int
  private let factor: [Double]

  /// Factors the column-major `order × order` matrix; nil if it is not positive definite.
  init?(_ matrix: [Double], order: Int) {
    guard order > 0 else { return nil }
    var a = matrix  // symmetric up to round-off; the lower triangle is used
    guard LAPACKE_dpotrf(LAPACK_COL_MAJOR, 76, Int32(order), &a, Int32(order)) == 0 else { return nil }
    self.order = order
    factor = a
  }

  /// `G⁻¹ v` by the two triangular solves with `L` (lower, column-major) — in Swift: this runs
  /// every iteration, and a LAPACK call of this size wakes OpenBLAS's threads, which then spin
  /// against the generator's workers.
  func solve(_ v: [Double]) -> [Double] {
    let k = order
    var x = v
    for i in 0..<k {  // L y = v
      var sum = x[i]
      for j in 0..<i { sum -= factor[j * k + i] * x[j] }
      x[i] = sum / factor[i * k + i]
    }
    for i in stride(from: k - 1, through: 0, by: -1) {  // Lᵀ x = y
      var sum = x[i]
      for j in (i + 1)..<k { sum -= factor[i * k + j] * x[j] }
      x[i] = sum / factor[i * k + i]
    }
    return x
  }
}

/// The last `capacity` search directions `p` and their images `A p`, kept for the Rayleigh–Ritz
/// renewal of the recycled space; storage is reused as directions arrive (a ring).
private struct DirectionWindow {
  private var stored: [(p: [Double], ap: [Double])] = []
  private var next = 0
  let capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
    stored.reserveCapacity(capacity)
  }

  /// Keeps `p` and `A p`, replacing the oldest pair once full.
  mutating func append(_ p: [Double], _ ap: [Double]) {
    if stored.count < capacity {
      stored.append((p, ap))
    } else {
      stored[next].p.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: p) }
      stored[next].ap.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: ap) }
    }
    next = (next + 1) % capacity
  }

  /// The directions, oldest first.
  var directions: [[Double]] { ordered.map(\.p) }
  /// Their images, oldest first.
  var images: [[Double]] { ordered.map(\.ap) }
  private var ordered: [(p: [Double], ap: [Double])] {
    stored.count < capacity ? stored : Array(stored[next...] + stored[..<next])
  }
}
