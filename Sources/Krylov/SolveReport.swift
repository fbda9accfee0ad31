/// Why an iterative solve stopped. Only the two `converged…` cases mean the tolerance was met.
public enum StopReason: String, Sendable, Codable, CaseIterable {
  /// `‖r‖ ≤ rtol·‖b‖` (the relative bound was the larger one).
  case convergedRelative = "converged_relative"
  /// `‖r‖ ≤ atol` (the absolute bound was the larger one), including `b = 0`.
  case convergedAbsolute = "converged_absolute"
  /// `maxIterations` reached before the tolerance.
  case maxIterations = "max_iterations"
  /// `timeLimit` reached before the tolerance.
  case timeLimit = "time_limit"
  /// The method cannot continue (e.g. a zero denominator that is not convergence).
  case breakdown
  /// A full GMRES restart cycle made no progress.
  case stagnation
  /// CG found `pᵀ A p ≤ 0`: the operator is not positive definite.
  case indefiniteOperator = "indefinite_operator"
  /// CG found `rᵀ M⁻¹ r < 0`: the preconditioner is not positive definite.
  case indefinitePreconditioner = "indefinite_preconditioner"
  /// A NaN or infinity appeared in the iteration.
  case nonFinite = "non_finite"
  /// A monitor asked to stop.
  case stoppedByMonitor = "stopped_by_monitor"

  /// True only when the stopping tolerance was met.
  public var isConverged: Bool { self == .convergedRelative || self == .convergedAbsolute }
}

/// What an iterative solve did: why it stopped, how much it cost, how close it got.
public struct SolveReport: Sendable, Codable {
  /// Why the solve stopped.
  public var reason: StopReason
  /// Iterations performed (inner iterations for GMRES).
  public var iterations: Int
  /// Applications of the operator `A`, including residual recomputations.
  public var matvecs: Int
  /// `‖r‖₂` of the last residual the method computed (true residual at GMRES restarts; the
  /// recursively updated residual in CG).
  public var residualNorm: Double
  /// `‖b‖₂`.
  public var rightHandSideNorm: Double
  /// `‖r‖₂` after each iteration, starting with the initial residual (empty unless
  /// ``SolverOptions/recordHistory`` is set).
  public var residualHistory: [Double]
  /// Wall-clock seconds of the solve.
  public var seconds: Double
  /// Iterations whose supplied search direction was unusable and replaced by the residual
  /// (``ConjugateDirections`` only; nil for the other methods).
  public var directionFallbacks: Int?

  /// True when the tolerance was met.
  public var converged: Bool { reason.isConverged }
  /// `‖r‖ / ‖b‖` (or `‖r‖` when `b = 0`).
  public var relativeResidual: Double { rightHandSideNorm > 0 ? residualNorm / rightHandSideNorm : residualNorm }
}

extension SolveReport {
  /// The report of a solve about to start: no work yet, ``StopReason/maxIterations`` until
  /// the solver decides otherwise.
  static func starting(rightHandSideNorm: Double) -> SolveReport {
    SolveReport(
      reason: .maxIterations, iterations: 0, matvecs: 0, residualNorm: 0, rightHandSideNorm: rightHandSideNorm, residualHistory: [],
      seconds: 0)
  }

  /// Records the end of iteration `iteration` at residual norm `rNorm` (count, norm, history)
  /// and applies the stopping rules shared by the CG-type solvers in their order: non-finite,
  /// tolerance, monitor, time limit. Returns true (with ``reason`` set) when the solve stops.
  mutating func finishIteration(
    _ iteration: Int, residualNorm rNorm: Double, tolerance: Double, convergedReason: StopReason, options: SolverOptions,
    monitor: SolverMonitor?, elapsed: Double
  ) -> Bool {
    iterations = iteration
    residualNorm = rNorm
    if options.recordHistory { residualHistory.append(rNorm) }
    if !rNorm.isFinite {
      reason = .nonFinite
    } else if rNorm <= tolerance {
      reason = convergedReason
    } else if let monitor, monitor(iteration, rNorm) == .stop {
      reason = .stoppedByMonitor
    } else if let limit = options.timeLimit, elapsed > limit {
      reason = .timeLimit
    } else {
      return false
    }
    return true
  }
}

/// Options shared by the iterative solvers, in the vocabulary of scipy and PETSc.
///
/// A solve stops when `‖r‖ ≤ max(atol, rtol·‖b‖)`.
public struct SolverOptions: Sendable, Codable {
  /// Relative tolerance (default 1e-8 for `Double`).
  public var rtol: Double
  /// Absolute tolerance (default 0).
  public var atol: Double
  /// Iteration cap (GMRES: inner iterations = matvecs); nil means `10·n`, as scipy does.
  public var maxIterations: Int?
  /// GMRES restart length `m` (ignored by CG).
  public var restart: Int
  /// Wall-clock limit in seconds; nil for none.
  public var timeLimit: Double?
  /// Whether to keep the residual norm of every iteration in the report.
  public var recordHistory: Bool

  /// Options with the given values; every argument has the documented default.
  public init(
    rtol: Double = 1e-8, atol: Double = 0, maxIterations: Int? = nil, restart: Int = 30, timeLimit: Double? = nil,
    recordHistory: Bool = true
  ) {
    self.rtol = rtol
    self.atol = atol
    self.maxIterations = maxIterations
    self.restart = restart
    self.timeLimit = timeLimit
    self.recordHistory = recordHistory
  }

  /// The iteration cap for a system of size `n`.
  func iterationCap(size n: Int) -> Int { maxIterations ?? max(10 * n, 100) }

  /// The residual-norm threshold for `‖b‖ = bNorm`, and which bound sets it.
  func threshold(rightHandSideNorm bNorm: Double) -> (Double, StopReason) {
    rtol * bNorm >= atol ? (rtol * bNorm, .convergedRelative) : (atol, .convergedAbsolute)
  }
}

/// What a monitor tells the solver after looking at an iteration.
public enum MonitorDecision: Sendable {
  /// Keep iterating.
  case proceed
  /// Stop now; the report's reason is ``StopReason/stoppedByMonitor``.
  case stop
}

/// Called once per iteration with the iteration number and the current residual norm. Monitors
/// observe (progress bars, logging, user stopping rules); they never change the iteration.
public typealias SolverMonitor = (_ iteration: Int, _ residualNorm: Double) -> MonitorDecision

/// Checks that a solver of `size` unknowns can solve with `a`, a right-hand side of `b` values
/// and an initial guess of `x` values.
/// - Throws: ``KrylovError/dimensionMismatch(_:)`` naming `solver` and every size.
func checkSolveSizes(_ solver: String, size n: Int, _ a: any LinearOperator, b: Int, x: Int) throws {
  guard a.rowCount == n, a.columnCount == n, b == n, x == n else {
    throw KrylovError.dimensionMismatch("\(solver) size \(n), operator \(a.rowCount)x\(a.columnCount), b \(b), x \(x)")
  }
}

/// Errors for calls that cannot start a solve.
public enum KrylovError: Error, Equatable, CustomStringConvertible {
  /// Operator, vectors or workspace sizes disagree.
  case dimensionMismatch(String)
  /// A preconditioner cannot be built for this matrix (zero diagonal, IC breakdown…).
  case preconditionerFailed(String)

  public var description: String {
    switch self {
    case .dimensionMismatch(let m): return "dimension mismatch: \(m)"
    case .preconditionerFailed(let m): return "preconditioner failed: \(m)"
    }
  }
}
