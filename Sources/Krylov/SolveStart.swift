/// What every solver does before its first iteration: check the sizes, measure `‖b‖`, and
/// answer `b = 0` with `x = 0` (no iteration needed); otherwise the stopping threshold
/// `max(atol, rtol·‖b‖)` and the reason a solve that meets it reports.
struct SolveStart {
  /// The report so far: finished (``StopReason/convergedAbsolute``) when `b = 0`.
  let report: SolveReport
  /// The residual norm to reach and the reason reported on reaching it; nil when `b = 0`.
  let stop: (tolerance: Double, reason: StopReason)?

  /// Starts solving `a x = b` with a solver named `solver` sized for `size` unknowns.
  /// - Throws: ``KrylovError/dimensionMismatch(_:)`` naming `solver` and every size.
  init(_ solver: String, size n: Int, _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], options: SolverOptions) throws {
    try checkSolveSizes(solver, size: n, a, b: b.count, x: x.count)
    let bNorm = b.withUnsafeBufferPointer { Vector.norm($0) }
    var report = SolveReport.starting(rightHandSideNorm: bNorm)
    if bNorm == 0 {
      // A x = 0 has the solution x = 0.
      for i in 0..<n { x[i] = 0 }
      report.reason = .convergedAbsolute
      if options.recordHistory { report.residualHistory = [0] }
      stop = nil
    } else {
      stop = options.threshold(rightHandSideNorm: bNorm)
    }
    self.report = report
  }
}

/// A Krylov solver with the surface every solver shares: ``solve(_:_:_:preconditioner:monitor:)``
/// checks the sizes, answers `b = 0` with `x = 0`, times the solve, and runs the method's own
/// ``iterate(_:_:_:preconditioner:monitor:rule:report:)`` on everything else.
public protocol KrylovSolver: AnyObject {
  /// The method's name in error messages (`"CG"`, `"GMRES"`, …).
  var methodName: String { get }
  /// The system size the workspace is allocated for.
  var size: Int { get }
  /// Tolerances, caps and history recording.
  var options: SolverOptions { get }
  /// The iteration proper, called by `solve` once the sizes are checked and `b ≠ 0`: from the
  /// initial guess `x` (overwritten) until `rule` stops it, recording into `report` (which
  /// arrives with `‖b‖` and no work done). Call `solve`, not this.
  func iterate(
    _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], preconditioner: (any Preconditioner)?, monitor: SolverMonitor?,
    rule: StoppingRule, report: inout SolveReport) throws
}

extension KrylovSolver {
  /// Solves `A x = b`, starting from the `x` passed in and overwriting it with the result.
  /// - Parameters:
  ///   - preconditioner: `M⁻¹` (the method says on which side and what it must satisfy); nil for none.
  ///   - monitor: called after every iteration with the iteration number and residual norm.
  /// - Returns: the report; an unconverged solve returns normally with its reason.
  /// - Throws: ``KrylovError/dimensionMismatch(_:)`` when sizes disagree.
  public func solve(
    _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], preconditioner: (any Preconditioner)? = nil,
    monitor: SolverMonitor? = nil
  ) throws -> SolveReport {
    let clock = Stopwatch()
    let start = try SolveStart(methodName, size: size, a, b, &x, options: options)
    var report = start.report
    if let (tolerance, reason) = start.stop {
      let rule = StoppingRule(tolerance: tolerance, convergedReason: reason, clock: clock)
      try iterate(a, b, &x, preconditioner: preconditioner, monitor: monitor, rule: rule, report: &report)
    }
    report.seconds = clock.seconds
    return report
  }
}

/// When an iteration stops: the residual norm to reach, the reason reported on reaching it,
/// and the clock of the solve (for ``SolverOptions/timeLimit``).
public struct StoppingRule {
  /// `max(atol, rtol·‖b‖)`.
  public let tolerance: Double
  /// ``StopReason/convergedRelative`` or ``StopReason/convergedAbsolute``: which bound set the tolerance.
  public let convergedReason: StopReason
  let clock: Stopwatch
  /// Seconds since the solve began.
  public var elapsedSeconds: Double { clock.seconds }
}

/// A Krylov solver that carries a subspace from one solve to the next (GCRO-DR, recycled CG):
/// the shape the dataset generator drives along its chain of related systems.
public protocol RecyclingSolver: KrylovSolver {
  /// The recycled subspace, carried to the next solve.
  var recycledVectors: [[Double]] { get }
  /// Forgets the recycled subspace (the next solve starts without one).
  func resetRecycling()
}
