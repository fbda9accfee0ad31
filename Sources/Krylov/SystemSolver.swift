import Grids
import Sparse

/// How to solve a sparse linear system: a direct factorization or a Krylov method with its
/// preconditioner. The raw values are the names `opkit solve --method` accepts.
public enum SolveMethod: String, Sendable, CaseIterable, Codable {
  /// CHOLMOD sparse Cholesky (symmetric positive definite only).
  case cholmod
  /// UMFPACK sparse LU (any nonsingular matrix).
  case umfpack
  /// Unpreconditioned conjugate gradients (SPD).
  case cg
  /// CG with the Jacobi preconditioner (SPD).
  case pcgJacobi = "pcg-jacobi"
  /// CG with incomplete Cholesky IC(0) (SPD M-matrices).
  case pcgIC = "pcg-ic"
  /// CG with one geometric multigrid V-cycle per iteration (SPD, structured grids).
  case pcgMultigrid = "pcg-mg"
  /// Restarted GMRES with a right preconditioner (any nonsingular matrix).
  case gmres

  /// True for methods that need no tolerance (direct factorizations).
  public var isDirect: Bool { self == .cholmod || self == .umfpack }
}

/// Preconditioners GMRES can use on the right.
public enum PreconditionerKind: String, Sendable, CaseIterable, Codable {
  /// No preconditioning.
  case none
  /// Diagonal scaling.
  case jacobi
  /// Incomplete Cholesky IC(0) (symmetric matrices).
  case ic
  /// Incomplete LU ILU(0) (any matrix with a nonzero diagonal; nonsymmetric and indefinite).
  case ilu
  /// Geometric multigrid V-cycle (structured grids).
  case multigrid = "mg"
  /// A multigrid V-cycle on the complex shifted Laplacian of a Helmholtz system
  /// (``ShiftedLaplacian``); only where the problem supplies that operator.
  case shiftedLaplacian = "shifted-laplacian"
}

/// The outcome of ``SystemSolver/solve(_:rightHandSide:method:options:layout:preconditioner:)``.
public struct SystemSolution: Sendable {
  /// The computed solution.
  public var solution: [Double]
  /// The iterative solver's report; nil for direct methods.
  public var report: SolveReport?
  /// Iterations (0 for direct methods).
  public var iterations: Int { report?.iterations ?? 0 }
  /// Seconds spent on setup: factorization, or building the preconditioner.
  public var setupSeconds: Double
  /// Seconds spent solving after setup (triangular solves, or the Krylov iteration).
  public var solveSeconds: Double
  /// `‖b − A x‖ / ‖b‖`, recomputed from the solution after the solve (`‖b − A x‖` when `b = 0`).
  public var relativeResidual: Double
  /// The preconditioner the iterative method used (nil for direct methods).
  public var preconditioner: PreconditionerKind?
  /// Whether the method met the tolerance: the Krylov stop reason, or for a direct method a true
  /// relative residual below `rtol`.
  public var converged: Bool

  /// A solution computed elsewhere (PETSc, a learned method), with its report and timings.
  public init(
    solution: [Double], report: SolveReport?, setupSeconds: Double, solveSeconds: Double, relativeResidual: Double,
    preconditioner: PreconditionerKind?, converged: Bool
  ) {
    (self.solution, self.report, self.setupSeconds, self.solveSeconds) = (solution, report, setupSeconds, solveSeconds)
    (self.relativeResidual, self.preconditioner, self.converged) = (relativeResidual, preconditioner, converged)
  }
}

/// Solves `A x = b` by a chosen method, timing setup and solve separately and checking the
/// answer by its true residual.
public enum SystemSolver {
  /// Solves `matrix · x = rightHandSide`.
  /// - Parameters:
  ///   - method: direct or iterative method.
  ///   - options: tolerances and caps for iterative methods; `rtol` also judges direct solves.
  ///   - layout: the grid the matrix was assembled on; required by multigrid.
  ///   - preconditioner: for ``SolveMethod/gmres`` only; default multigrid on grids, Jacobi
  ///     otherwise.
  ///   - shiftedLaplacian: the operator of the ``PreconditionerKind/shiftedLaplacian``
  ///     preconditioner (Helmholtz systems).
  /// - Throws: ``KrylovError`` for a missing grid or size mismatch, `SparseError` from the
  ///   factorizations (not positive definite, singular…).
  public static func solve(
    _ matrix: CSRMatrix, rightHandSide b: [Double], method: SolveMethod, options: SolverOptions = SolverOptions(),
    layout: GridLayout? = nil, preconditioner: PreconditionerKind? = nil, shiftedLaplacian: ShiftedLaplacian? = nil
  ) throws -> SystemSolution {
    try checkSizes(matrix, b)
    var clock = Stopwatch()
    var x = [Double](repeating: 0, count: b.count)
    var report: SolveReport?
    var kind: PreconditionerKind?
    let setup: Double
    switch method {
    case .cholmod:
      let factor = try CholeskyFactorization(matrix)
      setup = clock.seconds
      clock = Stopwatch()
      x = try factor.solve(b)
    case .umfpack:
      let factor = try LUFactorization(matrix)
      setup = clock.seconds
      clock = Stopwatch()
      x = try factor.solve(b)
    case .cg, .pcgJacobi, .pcgIC, .pcgMultigrid:
      kind = [.cg: .none, .pcgJacobi: .jacobi, .pcgIC: .ic, .pcgMultigrid: .multigrid][method]
      let m = try makePreconditioner(kind!, matrix, layout)
      setup = clock.seconds
      clock = Stopwatch()
      report = try ConjugateGradient(size: b.count, options: options).solve(matrix, b, &x, preconditioner: m)
    case .gmres:
      kind = preconditioner ?? (layout == nil ? .jacobi : .multigrid)
      let m = try makePreconditioner(kind!, matrix, layout, shiftedLaplacian: shiftedLaplacian)
      setup = clock.seconds
      clock = Stopwatch()
      report = try GMRES(size: b.count, options: options).solve(matrix, b, &x, preconditioner: m)
    }
    return try finished(
      matrix, b, x, report: report, setupSeconds: setup, solveSeconds: clock.seconds, options: options, preconditioner: kind)
  }

  /// Solves `matrix · x = rightHandSide` (SPD) by conjugate directions from a residual-to-direction
  /// map — a learned one plugs in here (DCDM, from `LearnedSolvers`).
  /// - Parameters:
  ///   - directions: the map `r ↦ d` (need not be linear or symmetric).
  ///   - orthogonalizeAgainst: how many previous directions each new one is made A-orthogonal
  ///     to (at least 1; DCDM's default 2).
  /// - Throws: ``KrylovError`` for a size mismatch.
  public static func solve(
    _ matrix: CSRMatrix, rightHandSide b: [Double], directions: any Preconditioner, orthogonalizeAgainst: Int = 2,
    options: SolverOptions = SolverOptions()
  ) throws -> SystemSolution {
    try checkSizes(matrix, b)
    var x = [Double](repeating: 0, count: b.count)
    let clock = Stopwatch()
    let report = try ConjugateDirections(size: b.count, orthogonalizeAgainst: orthogonalizeAgainst, options: options).solve(
      matrix, b, &x, directions: directions)
    return try finished(matrix, b, x, report: report, setupSeconds: 0, solveSeconds: clock.seconds, options: options, preconditioner: nil)
  }

  private static func checkSizes(_ matrix: CSRMatrix, _ b: [Double]) throws {
    guard matrix.rowCount == matrix.columnCount, b.count == matrix.rowCount else {
      throw KrylovError.dimensionMismatch("matrix \(matrix.rowCount)x\(matrix.columnCount), right-hand side \(b.count)")
    }
  }

  /// The solution with its true residual; converged by the Krylov report, or for a direct
  /// method by a true relative residual below `rtol`.
  private static func finished(
    _ matrix: CSRMatrix, _ b: [Double], _ x: [Double], report: SolveReport?, setupSeconds: Double, solveSeconds: Double,
    options: SolverOptions, preconditioner: PreconditionerKind?
  ) throws -> SystemSolution {
    let residual = try trueRelativeResidual(matrix, x, b)
    let converged = report?.converged ?? (residual <= max(options.rtol, 1e-10) && residual.isFinite)
    return SystemSolution(
      solution: x, report: report, setupSeconds: setupSeconds, solveSeconds: solveSeconds, relativeResidual: residual,
      preconditioner: preconditioner, converged: converged)
  }

  /// Builds the preconditioner `kind` for `matrix` (nil for ``PreconditionerKind/none``).
  public static func makePreconditioner(
    _ kind: PreconditionerKind, _ matrix: CSRMatrix, _ layout: GridLayout?, shiftedLaplacian: ShiftedLaplacian? = nil
  ) throws -> (any Preconditioner)? {
    switch kind {
    case .none: return nil
    case .jacobi: return try JacobiPreconditioner(matrix)
    case .ic: return try IncompleteCholesky(matrix)
    case .ilu: return try IncompleteLU(matrix)
    case .multigrid:
      guard let layout else {
        throw KrylovError.preconditionerFailed(
          "geometric multigrid needs a structured grid (solve on a grid, or choose another method on meshes)")
      }
      return try MultigridPreconditioner(matrix: matrix, layout: layout)
    case .shiftedLaplacian:
      guard let shiftedLaplacian else {
        throw KrylovError.preconditionerFailed(
          "the shifted-Laplacian preconditioner needs a Helmholtz system (choose another preconditioner)")
      }
      guard shiftedLaplacian.matrix.rowCount == matrix.rowCount else {
        throw KrylovError.dimensionMismatch(
          "shifted Laplacian of \(shiftedLaplacian.matrix.rowCount) unknowns for a system of \(matrix.rowCount)")
      }
      return try shiftedLaplacian.multigridCycle()
    }
  }

  /// `‖b − A x‖₂ / ‖b‖₂`, or `‖b − A x‖₂` when `b = 0`.
  public static func trueRelativeResidual(_ matrix: CSRMatrix, _ x: [Double], _ b: [Double]) throws -> Double {
    let ax = try matrix.multiplied(by: x)
    var r = 0.0, bb = 0.0
    for i in 0..<b.count {
      r += (b[i] - ax[i]) * (b[i] - ax[i])
      bb += b[i] * b[i]
    }
    return bb > 0 ? (r / bb).squareRoot() : r.squareRoot()
  }
}
