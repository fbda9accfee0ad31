import CBLAS

/// GCRO-DR(m, k): restarted GMRES that carries a k-dimensional subspace `U` from cycle to cycle
/// and from one linear system to the next, deflating the eigenvalues of `A M⁻¹` nearest zero.
///
/// With `C = A M⁻¹ U` orthonormal, each cycle runs `m − k` Arnoldi steps of `(I − C Cᵀ) A M⁻¹`
/// from the residual, giving `A M⁻¹ [Ũ V] = [C V⁺] G` with
/// `G = [[D, B], [0, H̄]]` (`D` normalizes `U`'s columns, `B = Cᵀ A M⁻¹ V`), and minimizes
/// `‖[C V⁺]ᵀ r − G y‖` by Givens rotations (G is upper Hessenberg past its first k columns).
/// After each cycle `U` becomes the span of the k harmonic Ritz vectors of smallest magnitude:
/// `GᵀG p = θ Gᵀ [C V⁺]ᵀ[Ũ V] p` (for the first, plain GMRES cycle,
/// `(H + h² H⁻ᵀ e eᵀ) p = θ p`), re-orthonormalized so that `A M⁻¹ U = C` again. A new system
/// (another matrix or preconditioner) recomputes `C = A M⁻¹ U` with k operator applications
/// and projects the initial residual onto `C`'s complement before the first cycle.
///
/// Right preconditioning: `U` and `V` live in the preconditioned space, `x += M⁻¹(V̂ y)`, and the
/// stopping test uses the true residual `‖b − A x‖`, recomputed after every cycle.
///
/// References: Parks, de Sturler, Mackey, Johnson, Maiti 2006, "Recycling Krylov subspaces for
/// sequences of linear systems", SIAM J. Sci. Comput. 28(5) (Algorithm 2); Wang et al. 2024,
/// "Accelerating data generation for neural operators via Krylov subspace recycling" (SKR).
public final class GCRODR: RecyclingSolver {
  /// Tolerances and caps; ``SolverOptions/restart`` is the cycle length `m`.
  public let options: SolverOptions
  /// The recycled dimension `k` (at most `m − 1`).
  public let recycleDimension: Int
  /// The recycled subspace `U` (columns in the preconditioned space), carried to the next solve.
  public private(set) var recycledVectors: [[Double]] = []
  /// The system size.
  public let size: Int
  /// Allocated once and reused by every solve: a cycle's Arnoldi basis `V` (`m + 1` columns),
  /// `M⁻¹ v`, the residual and the next Arnoldi vector.
  private var workspace: (basis: VectorBlock, preconditioned: [Double], residual: [Double], arnoldi: [Double])

  /// A solver for systems of `size` unknowns with cycle length `options.restart` and recycled
  /// dimension `recycleDimension` (the SKR paper's defaults are m = 40, k = 20).
  public init(size: Int, options: SolverOptions = SolverOptions(restart: 40), recycleDimension: Int = 20) {
    self.size = size
    self.options = options
    self.recycleDimension = max(0, min(recycleDimension, options.restart - 1))
    let zeros = [Double](repeating: 0, count: size)
    workspace = (VectorBlock(length: size, count: max(2, options.restart) + 1), zeros, zeros, zeros)
  }

  /// Forgets the recycled subspace (the next solve starts like GMRES).
  public func resetRecycling() { recycledVectors = [] }

  /// `"GCRO-DR"`.
  public var methodName: String { "GCRO-DR" }

  /// GCRO-DR cycles from `x`, recycling the subspace kept from the previous solve (if any)
  /// and keeping an updated one for the next; `M⁻¹` on the right; the monitor sees every inner
  /// iteration with the least-squares residual norm. See ``KrylovSolver/solve(_:_:_:preconditioner:monitor:)``.
  public func iterate(
    _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], preconditioner: (any Preconditioner)?, monitor: SolverMonitor?,
    rule: StoppingRule, report: inout SolveReport
  ) {
    let n = size
    let (tolerance, convergedReason) = (rule.tolerance, rule.convergedReason)
    let cap = options.iterationCap(size: n)
    let m = max(2, options.restart)
    // The workspace, moved out for the solve (so writes do not copy) and back after.
    var (v, scratch, r, w) = (VectorBlock(length: n, count: 0), [Double](), [Double](), [Double]())
    swap(&v, &workspace.basis)
    swap(&scratch, &workspace.preconditioned)
    swap(&r, &workspace.residual)
    swap(&w, &workspace.arnoldi)
    defer {
      swap(&v, &workspace.basis)
      swap(&scratch, &workspace.preconditioned)
      swap(&r, &workspace.residual)
      swap(&w, &workspace.arnoldi)
    }
    // w ← A M⁻¹ v
    func operate(_ v: UnsafePointer<Double>, into w: UnsafeMutablePointer<Double>) {
      scratch.withUnsafeMutableBufferPointer { z in applyPreconditioner(preconditioner, UnsafeBufferPointer(start: v, count: n), z) }
      scratch.withUnsafeBufferPointer { z in a.apply(z, into: UnsafeMutableBufferPointer(start: w, count: n)) }
      report.matvecs += 1
    }
    // x ← x + M⁻¹ t
    func correct(_ t: [Double]) {
      t.withUnsafeBufferPointer { t in scratch.withUnsafeMutableBufferPointer { z in applyPreconditioner(preconditioner, t, z) } }
      for i in 0..<n { x[i] += scratch[i] }
    }
    // r ← b − A x
    func updateResidual() {
      x.withUnsafeBufferPointer { x in r.withUnsafeMutableBufferPointer { r in a.apply(x, into: r) } }
      report.matvecs += 1
      for i in 0..<n { r[i] = b[i] - r[i] }
    }

    updateResidual()
    // Recycled space for this system: C = A M⁻¹ U made orthonormal, U ← U R⁻¹, and the
    // residual projected onto C's complement.
    var u = VectorBlock(length: n, columns: recycledVectors), c = VectorBlock(length: n, count: 0)
    if u.count > 0 {
      var images = VectorBlock(length: n, count: u.count)
      for j in 0..<u.count { u.withColumn(j) { uj in images.withMutableColumn(j) { operate(uj, into: $0) } } }
      let (q, triangle, kept) = images.orthonormalized()
      c = q
      u = u.selecting(kept).rightDivided(by: triangle, order: kept.count)
      let coefficients = c.transposedTimes(r)
      correct(u.times(coefficients))
      c.subtractTimes(coefficients, from: &r)
    }
    var previousNorm = Double.infinity
    var stopped: StopReason?  // by the monitor or the time limit, at the end of the cycle
    while true {
      let beta = VectorBlock.norm(r)
      report.residualNorm = beta
      if options.recordHistory { report.residualHistory.append(beta) }
      guard beta.isFinite else {
        report.reason = .nonFinite
        return
      }
      if beta <= tolerance { report.reason = convergedReason; break }
      if report.iterations >= cap { report.reason = .maxIterations; break }
      if beta >= previousNorm * (1 - 1e-12) { report.reason = .stagnation; break }
      if let stopped { report.reason = stopped; break }
      previousNorm = beta

      // One cycle: Arnoldi on (I − CCᵀ) A M⁻¹ from v₀ = r/β, with Givens rotations on G.
      let kk = c.count
      let steps = m - kk
      let scales = (0..<kk).map { 1 / u.columnNorm($0) }
      v.withMutableColumn(0) { v0 in for i in 0..<n { v0[i] = r[i] / beta } }
      var hbar = [[Double]]()  // columns of H̄, each of length j + 2
      var bColumns = [[Double]]()  // columns of B = Cᵀ A M⁻¹ V
      var rotated = [[Double]]()  // columns of the rotated G past the first kk
      var (cosines, sines) = ([Double](), [Double]())
      var g = c.transposedTimes(r) + [beta]
      var done = 0
      while done < steps && report.iterations < cap {
        w.withUnsafeMutableBufferPointer { w in v.withColumn(done) { operate($0, into: w.baseAddress!) } }
        report.iterations += 1
        // w ← (I − CCᵀ) w, then classical Gram–Schmidt against v₀…v_j, twice.
        let bj = c.transposedTimes(w)
        c.subtractTimes(bj, from: &w)
        var h = [Double](repeating: 0, count: done + 2)
        for _ in 0..<2 {
          let projections = v.transposedTimes(w, columns: done + 1)
          v.subtractTimes(projections, from: &w, columns: done + 1)
          for i in 0...done { h[i] += projections[i] }
        }
        let subdiagonal = VectorBlock.norm(w)
        h[done + 1] = subdiagonal
        hbar.append(h)
        bColumns.append(bj)
        v.withMutableColumn(done + 1) { next in for i in 0..<n { next[i] = subdiagonal > 0 ? w[i] / subdiagonal : 0 } }
        // Column kk + done of G: B's column on top, H̄'s below; rotate rows kk + i, kk + i + 1.
        var column = bj + h
        for i in 0..<done {
          let (p, q) = (kk + i, kk + i + 1)
          let t = cosines[i] * column[p] + sines[i] * column[q]
          column[q] = -sines[i] * column[p] + cosines[i] * column[q]
          column[p] = t
        }
        let (p, q) = (kk + done, kk + done + 1)
        let radius = (column[p] * column[p] + column[q] * column[q]).squareRoot()
        guard radius.isFinite else {
          report.reason = .nonFinite
          return
        }
        cosines.append(radius == 0 ? 1 : column[p] / radius)
        sines.append(radius == 0 ? 0 : column[q] / radius)
        column[p] = radius
        column[q] = 0
        rotated.append(column)
        g.append(-sines[done] * g[p])
        g[p] = cosines[done] * g[p]
        done += 1
        if let monitor, monitor(report.iterations, abs(g[q])) == .stop {
          stopped = .stoppedByMonitor
        } else if let limit = options.timeLimit, rule.elapsedSeconds > limit {
          stopped = .timeLimit
        }
        if abs(g[q]) <= tolerance || subdiagonal == 0 || stopped != nil { break }
      }
      // y from the triangular system: G's first kk columns are diag(D) (already triangular).
      let size = kk + done
      var y = [Double](repeating: 0, count: size)
      for i in stride(from: size - 1, through: 0, by: -1) {
        var s = g[i]
        for j in max(i + 1, kk)..<size { s -= rotated[j - kk][i] * y[j] }
        let diagonal = i < kk ? scales[i] : rotated[i - kk][i]
        y[i] = diagonal == 0 ? 0 : s / diagonal
      }
      // x ← x + M⁻¹ (Ũ y_U + V y_V); the true residual for the stopping test.
      let scaledU = u.scaled(by: scales)
      var update = scaledU.times(Array(y[0..<kk]))
      v.addTimes(Array(y[kk...]), to: &update, columns: done)
      correct(update)
      updateResidual()

      // New recycled space from the harmonic Ritz vectors of this cycle.
      let keep = min(recycleDimension, size)
      guard keep > 0, done > 0 else { continue }
      // G ((size+1) × size) and W = [C V⁺]ᵀ[Ũ V] in column-major storage.
      let rows = size + 1
      var gMatrix = [Double](repeating: 0, count: rows * size)
      for i in 0..<kk { gMatrix[i * rows + i] = scales[i] }
      for j in 0..<done {
        for i in 0..<kk { gMatrix[(kk + j) * rows + i] = bColumns[j][i] }
        for i in 0..<(j + 2) { gMatrix[(kk + j) * rows + kk + i] = hbar[j][i] }
      }
      let p: [[Double]]
      if kk == 0 {
        p = harmonicRitzGMRES(hbar, steps: done, count: keep)
      } else {
        var wMatrix = [Double](repeating: 0, count: rows * size)
        let top = c.transposedTimes(scaledU)  // Cᵀ Ũ, kk × kk column-major
        let bottom = v.transposedTimes(scaledU, columns: done + 1)  // V⁺ᵀ Ũ, (done+1) × kk
        for j in 0..<kk {
          for i in 0..<kk { wMatrix[j * rows + i] = top[j * kk + i] }
          for i in 0...done { wMatrix[j * rows + kk + i] = bottom[j * (done + 1) + i] }
        }
        for j in 0..<done { wMatrix[(kk + j) * rows + kk + j] = 1 }
        p = harmonicRitzGCRODR(g: gMatrix, w: wMatrix, rows: rows, columns: size, count: keep)
      }
      guard !p.isEmpty else { continue }
      // Ỹ = [Ũ V] P;  G P = Q R;  C = [C V⁺] Q;  U = Ỹ R⁻¹
      var images = VectorBlock(length: rows, count: p.count)
      var ritz = VectorBlock(length: n, count: p.count)
      for (j, column) in p.enumerated() {
        images.withMutableColumn(j) { gp in
          for i in 0..<rows { gp[i] = (0..<size).reduce(0.0) { $0 + gMatrix[$1 * rows + i] * column[$1] } }
        }
        var combination = scaledU.times(Array(column[0..<kk]))
        v.addTimes(Array(column[kk...]), to: &combination, columns: done)
        ritz.setColumn(j, combination)
      }
      let (q, triangle, kept) = images.orthonormalized()
      var newC = c.times(block: q, rows: 0..<kk)
      v.addTimes(block: q, rows: kk..<rows, to: &newC, columns: done + 1)
      c = newC
      u = ritz.selecting(kept).rightDivided(by: triangle, order: kept.count)
    }
    recycledVectors = u.columnArrays
  }
}

/// The `count` harmonic Ritz vectors of smallest magnitude of a GMRES cycle with Hessenberg
/// columns `hbar` (`steps + 1` rows): eigenvectors of `H + h² H⁻ᵀ e eᵀ`.
private func harmonicRitzGMRES(_ hbar: [[Double]], steps k: Int, count: Int) -> [[Double]] {
  var h = [Double](repeating: 0, count: k * k)  // H, column-major
  for j in 0..<k { for i in 0..<min(j + 2, k) { h[j * k + i] = hbar[j][i] } }
  let last = hbar[k - 1][k]
  // f = H⁻ᵀ e_k
  var transposed = [Double](repeating: 0, count: k * k)
  for i in 0..<k { for j in 0..<k { transposed[j * k + i] = h[i * k + j] } }
  var f = [Double](repeating: 0, count: k)
  f[k - 1] = 1
  var pivots = [Int32](repeating: 0, count: k)
  guard LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(k), 1, &transposed, Int32(k), &pivots, &f, Int32(k)) == 0 else { return [] }
  for i in 0..<k { h[(k - 1) * k + i] += last * last * f[i] }
  var (re, im) = ([Double](repeating: 0, count: k), [Double](repeating: 0, count: k))
  var vectors = [Double](repeating: 0, count: k * k)
  var unused = [Double](repeating: 0, count: 1)
  guard LAPACKE_dgeev(LAPACK_COL_MAJOR, 78, 86, Int32(k), &h, Int32(k), &re, &im, &unused, 1, &vectors, Int32(k)) == 0 else { return [] }
  return smallestEigenvectors(re: re, im: im, scale: Array(repeating: 1, count: k), vectors: vectors, size: k, count: count)
}

/// The `count` harmonic Ritz vectors of smallest magnitude of a GCRO-DR cycle: generalized
/// eigenvectors of `GᵀG p = θ GᵀW p` (`G`, `W` column-major, `rows × columns`).
private func harmonicRitzGCRODR(g: [Double], w: [Double], rows: Int, columns k: Int, count: Int) -> [[Double]] {
  var left = [Double](repeating: 0, count: k * k), right = left
  for i in 0..<k {
    for j in 0..<k {
      var (s, t) = (0.0, 0.0)
      for r in 0..<rows {
        s += g[i * rows + r] * g[j * rows + r]
        t += g[i * rows + r] * w[j * rows + r]
      }
      left[j * k + i] = s
      right[j * k + i] = t
    }
  }
  var (re, im, scale) = ([Double](repeating: 0, count: k), [Double](repeating: 0, count: k), [Double](repeating: 0, count: k))
  var vectors = [Double](repeating: 0, count: k * k)
  var unused = [Double](repeating: 0, count: 1)
  guard
    LAPACKE_dggev(LAPACK_COL_MAJOR, 78, 86, Int32(k), &left, Int32(k), &right, Int32(k), &re, &im, &scale, &unused, 1, &vectors, Int32(k))
      == 0
  else { return [] }
  return smallestEigenvectors(re: re, im: im, scale: scale, vectors: vectors, size: k, count: count)
}

/// Up to `count` real vectors spanning the eigenvectors of smallest `|(re + i·im) / scale|`;
/// a complex pair (LAPACK's consecutive columns) contributes its real and imaginary parts.
private func smallestEigenvectors(re: [Double], im: [Double], scale: [Double], vectors: [Double], size k: Int, count: Int) -> [[Double]] {
  let magnitude = { (j: Int) -> Double in
    scale[j] == 0 ? .infinity : ((re[j] * re[j] + im[j] * im[j]).squareRoot() / abs(scale[j]))
  }
  let column = { (j: Int) in Array(vectors[(j * k)..<((j + 1) * k)]) }
  var chosen = [[Double]]()
  var j = 0
  // One entry per real eigenvalue or conjugate pair (LAPACK lists the pair's positive part first).
  let order = (0..<k).filter { im[$0] >= 0 }.sorted { magnitude($0) < magnitude($1) }
  while chosen.count < count && j < order.count {
    let e = order[j]
    if !magnitude(e).isFinite { break }
    if im[e] == 0 || e + 1 >= k {
      chosen.append(column(e))
    } else {
      chosen.append(column(e))
      if chosen.count < count { chosen.append(column(e + 1)) }
    }
    j += 1
  }
  return chosen
}
