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

/// A Krylov solver that carries a subspace from one solve to the next (GCRO-DR, recycled CG):
/// the shape the dataset generator drives along its chain of related systems.
public protocol RecyclingSolver: AnyObject {
  /// The system size.
  var size: Int { get }
  /// Tolerances and caps.
  var options: SolverOptions { get }
  /// The recycled subspace, carried to the next solve.
  var recycledVectors: [[Double]] { get }
  /// Forgets the recycled subspace (the next solve starts without one).
  func resetRecycling()
  /// Solves `A x = b` from the initial guess `x` (overwritten), recycling the kept subspace and
  /// keeping a renewed one; `monitor` sees every iteration.
  /// - Throws: ``KrylovError/dimensionMismatch(_:)`` when sizes disagree.
  func solve(_ a: any LinearOperator, _ b: [Double], _ x: inout [Double], preconditioner: (any Preconditioner)?, monitor: SolverMonitor?)
    throws -> SolveReport
}
