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
  /// Conjugate directions from a learned map of the residual (DCDM; SPD; needs a trained
  /// network passed as `searchDirections`).
  case dcdm

  /// The methods that need nothing beyond the matrix (all but ``dcdm``).
  public static var standalone: [SolveMethod] { allCases.filter { $0 != .dcdm } }

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
  ///   - searchDirections: the residual-to-direction map of ``SolveMethod/dcdm``.
  ///   - orthogonalizeAgainst: how many previous directions ``SolveMethod/dcdm`` makes each new
  ///     one A-orthogonal to (at least 1; DCDM's default 2).
  /// - Throws: ``KrylovError`` for a missing grid or size mismatch, `SparseError` from the
  ///   factorizations (not positive definite, singular…).
  public static func solve(
    _ matrix: CSRMatrix, rightHandSide b: [Double], method: SolveMethod, options: SolverOptions = SolverOptions(),
    layout: GridLayout? = nil, preconditioner: PreconditionerKind? = nil, searchDirections: (any Preconditioner)? = nil,
    orthogonalizeAgainst: Int = 2
  ) throws -> SystemSolution {
    guard matrix.rowCount == matrix.columnCount, b.count == matrix.rowCount else {
      throw KrylovError.dimensionMismatch("matrix \(matrix.rowCount)x\(matrix.columnCount), right-hand side \(b.count)")
    }
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
      let m = try makePreconditioner(kind!, matrix, layout)
      setup = clock.seconds
      clock = Stopwatch()
      report = try GMRES(size: b.count, options: options).solve(matrix, b, &x, preconditioner: m)
    case .dcdm:
      guard let searchDirections else {
        throw KrylovError.preconditionerFailed("dcdm needs a trained network for its search directions (opkit solve --model)")
      }
      setup = clock.seconds
      clock = Stopwatch()
      report = try ConjugateDirections(size: b.count, orthogonalizeAgainst: orthogonalizeAgainst, options: options).solve(
        matrix, b, &x, directions: searchDirections)
    }
    let solveSeconds = clock.seconds
    let residual = try trueRelativeResidual(matrix, x, b)
    let converged = report?.converged ?? (residual <= max(options.rtol, 1e-10) && residual.isFinite)
    return SystemSolution(
      solution: x, report: report, setupSeconds: setup, solveSeconds: solveSeconds, relativeResidual: residual,
      preconditioner: kind, converged: converged)
  }

  /// Builds the preconditioner `kind` for `matrix` (nil for ``PreconditionerKind/none``).
  public static func makePreconditioner(_ kind: PreconditionerKind, _ matrix: CSRMatrix, _ layout: GridLayout?) throws -> (
    any Preconditioner
  )? {
    switch kind {
    case .none: return nil
    case .jacobi: return try JacobiPreconditioner(matrix)
    case .ic: return try IncompleteCholesky(matrix)
    case .ilu: return try IncompleteLU(matrix)
    case .multigrid:
      guard let layout else {
        throw KrylovError.preconditionerFailed("geometric multigrid needs a structured grid (use --grid, or another method on meshes)")
      }
      return try MultigridPreconditioner(matrix: matrix, layout: layout)
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
