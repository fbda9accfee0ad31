/// A conjugate-direction method for symmetric positive definite systems whose search directions
/// come from any map of the residual — the solver of DCDM (Kaneda et al. 2023), where a network
/// approximating `A⁻¹` supplies them.
///
/// Each iteration maps the residual to a direction `d = M(r)` (``Preconditioner/apply(_:into:)``;
/// `M` need not be linear or symmetric), makes it A-orthogonal to the last `k` directions
/// (`d ← d − Σ (dᵀA pⱼ / pⱼᵀA pⱼ) pⱼ`), and takes the exact line-search step
/// `x ← x + α d`, `α = dᵀr / dᵀA d`, which minimizes the A-norm of the error along `d`. With the
/// residual as direction and `k ≥ 1` this is CG.
///
/// A direction is never trusted blindly: if `M(r)` is not finite, is zero, loses its
/// component along the residual (`|dᵀr| ≤ 1e-10 ‖d‖‖r‖`, no descent), or vanishes in the
/// A-orthogonalization (`‖d‖_A` below `1e-8` of its size before, the previous directions
/// already span it), the residual itself is used instead (A-orthogonalized the same way) and the
/// step is counted in ``SolveReport/directionFallbacks``. The answer is judged by the residual
/// only, so a poor map costs iterations, never correctness.
public final class ConjugateDirections {
  /// Tolerances, caps and history recording.
  public var options: SolverOptions
  /// How many previous directions each new one is made A-orthogonal to (DCDM's default: 2).
  public let orthogonalizeAgainst: Int
  /// Unknowns.
  public let size: Int

  /// A solver for systems of `size` unknowns, orthogonalizing against the last
  /// `orthogonalizeAgainst ≥ 1` directions.
  public init(size: Int, orthogonalizeAgainst: Int = 2, options: SolverOptions = SolverOptions()) {
    precondition(orthogonalizeAgainst >= 1, "orthogonalize against at least one direction")
    self.size = size
    self.orthogonalizeAgainst = orthogonalizeAgainst
    self.options = options
  }

  /// Solves `A x = b` from the `x` passed in, overwriting it.
  /// - Parameters:
  ///   - directions: the map `r ↦ d`.
  ///   - monitor: called after every iteration.
  /// - Throws: ``KrylovError/dimensionMismatch(_:)`` when sizes disagree.
  public func solve(
    _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], directions: any Preconditioner, monitor: SolverMonitor? = nil
  ) throws -> SolveReport {
    let n = size
    let clock = Stopwatch()
    let start = try SolveStart("conjugate directions", size: n, a, b, &x, options: options)
    var report = start.report
    report.directionFallbacks = 0
    defer { report.seconds = clock.seconds }
    guard let (tolerance, convergedReason) = start.stop else { return report }
    var r = [Double](repeating: 0, count: n), d = r, q = r
    x.withUnsafeBufferPointer { xp in r.withUnsafeMutableBufferPointer { a.apply(xp, into: $0) } }
    for i in 0..<n { r[i] = b[i] - r[i] }
    report.matvecs = 1
    var rNorm = norm(r)
    report.residualNorm = rNorm
    if options.recordHistory { report.residualHistory.append(rNorm) }
    guard rNorm.isFinite else { report.reason = .nonFinite; return report }
    if rNorm <= tolerance { report.reason = convergedReason; return report }
    // The last k directions p, their images A p and pᵀ A p.
    var previous = [(p: [Double], ap: [Double], pap: Double)]()
    for iteration in stride(from: 1, through: options.iterationCap(size: n), by: 1) {
      r.withUnsafeBufferPointer { rp in d.withUnsafeMutableBufferPointer { directions.apply(rp, into: $0) } }
      var usable = d.allSatisfy(\.isFinite)
      if usable {
        let dNorm = norm(d)
        usable = dNorm > 0 && abs(dot(d, r)) > 1e-10 * dNorm * rNorm
      }
      if usable {
        let before = orthogonalize(&d, against: previous, a, &q, &report)
        usable = q.allSatisfy(\.isFinite) && dot(d, q) > 1e-16 * before
      }
      if !usable {
        report.directionFallbacks! += 1
        d = r
        _ = orthogonalize(&d, against: previous, a, &q, &report)
      }
      let dq = dot(d, q)
      guard dq.isFinite else { report.reason = .nonFinite; return report }
      guard dq > 0 else { report.reason = dq == 0 ? .breakdown : .indefiniteOperator; return report }
      let alpha = dot(d, r) / dq
      for i in 0..<n {
        x[i] += alpha * d[i]
        r[i] -= alpha * q[i]
      }
      rNorm = norm(r)
      if report.finishIteration(
        iteration, residualNorm: rNorm, tolerance: tolerance, convergedReason: convergedReason, options: options, monitor: monitor,
        elapsed: clock.seconds)
      {
        return report
      }
      previous.append((d, q, dq))
      if previous.count > orthogonalizeAgainst { previous.removeFirst() }
    }
    report.reason = .maxIterations
    return report
  }

  /// Makes `d` A-orthogonal to the previous directions (classical Gram–Schmidt in the A inner
  /// product, with their stored images) and leaves `A d` in `q`. Returns `dᵀA d` before.
  private func orthogonalize(
    _ d: inout [Double], against previous: [(p: [Double], ap: [Double], pap: Double)], _ a: any LinearOperator, _ q: inout [Double],
    _ report: inout SolveReport
  ) -> Double {
    d.withUnsafeBufferPointer { dp in q.withUnsafeMutableBufferPointer { a.apply(dp, into: $0) } }
    report.matvecs += 1
    let before = dot(d, q)
    for (p, ap, pap) in previous {
      let c = dot(q, p) / pap
      for i in 0..<d.count {
        d[i] -= c * p[i]
        q[i] -= c * ap[i]
      }
    }
    return before
  }

  private func dot(_ x: [Double], _ y: [Double]) -> Double {
    x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { Vector.dot(xp, $0) } }
  }

  private func norm(_ x: [Double]) -> Double { dot(x, x).squareRoot() }
}
