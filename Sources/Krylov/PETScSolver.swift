import CMPI
import CPETSc
import Distributed
import Foundation
import Sparse

/// The algebraic multigrid preconditioners of `--method petsc`, both from PETSc.
public enum PETScPreconditioner: String, CaseIterable, Sendable, Codable {
  /// PETSc's smoothed-aggregation algebraic multigrid (`PCGAMG`).
  case gamg
  /// hypre's BoomerAMG through PETSc (`PCHYPRE`, type `boomeramg`).
  case hypre
}

/// A PETSc call that failed: the call and PETSc's message for its error code.
public struct PETScError: Error, CustomStringConvertible, Equatable {
  /// The PETSc function.
  public let call: String
  /// PETSc's error code.
  public let code: Int32
  /// PETSc's text for the code.
  public let message: String
  public var description: String { "PETSc \(call) failed (error \(code)): \(message)" }
}

/// PETSc in this process: started once before the first PETSc solve (on the MPI of
/// ``Communicator/world``, initializing MPI as a single rank when no launcher did), finalized
/// once at the end of the program, before MPI. PETSc keeps this state itself; these functions
/// only ask it.
public enum PETScSession {
  /// Initializes PETSc unless it is running: no signal handlers of its own (a crash stays a
  /// crash of the program), errors returned as codes instead of printed tracebacks.
  /// - Throws: ``PETScError`` when PETSc cannot start.
  public static func start() throws {
    var running = PETSC_FALSE
    PetscInitialized(&running)
    guard running == PETSC_FALSE else { return }
    PetscOptionsSetValue(nil, "-no_signal_handler", nil)
    try check(PetscInitializeNoArguments(), "PetscInitialize")
    try check(cpetsc_return_errors(), "PetscPushErrorHandler")
  }

  /// Finalizes PETSc if it was started and is not finalized yet (before `MPI_Finalize`).
  public static func finalize() {
    var running = PETSC_FALSE, finished = PETSC_FALSE
    PetscInitialized(&running)
    PetscFinalized(&finished)
    if running == PETSC_TRUE && finished == PETSC_FALSE { PetscFinalize() }
  }
}

/// Throws ``PETScError`` unless `code` is 0.
@inline(__always)
func check(_ code: PetscErrorCode, _ call: String) throws {
  guard code != 0 else { return }
  throw PETScError(call: call, code: code, message: String(cString: cpetsc_error_text(code)))
}

/// What a PETSc solve returns on each rank: this rank's block of the solution and the solve's
/// report (the same on every rank).
public struct PETScSolution: Sendable {
  /// The solution's entries of this rank's rows.
  public var localSolution: [Double]
  /// Iterations, stop reason, final residual norm (KSP's unpreconditioned residual), history.
  public var report: SolveReport
  /// `‖b − A x‖ / ‖b‖` recomputed from the solution on the distributed matrix (`‖b − A x‖`
  /// when `b = 0`).
  public var relativeResidual: Double
  /// Stored entries of the whole matrix (all ranks).
  public var nonzeros: Int
  /// Seconds to copy the rows into PETSc's distributed matrix (`MatSetValues` + assembly).
  public var assemblySeconds: Double
  /// Seconds of `KSPSetUp` (the multigrid hierarchy).
  public var setupSeconds: Double
  /// Seconds of `KSPSolve`.
  public var solveSeconds: Double
}

/// Conjugate gradients preconditioned by algebraic multigrid, in PETSc: the system is a
/// distributed `MATMPIAIJ` matrix whose row block each rank inserts itself, solved with KSP CG
/// plus GAMG or hypre's BoomerAMG, stopping when the unpreconditioned residual meets
/// `‖r‖ ≤ max(rtol·‖b‖, atol)` — the stopping rule of every solver here.
///
/// Reference: Balay et al., PETSc/TAO Users Manual (KSP, PCGAMG, PCHYPRE).
public enum PETScSolver {
  /// Solves the symmetric positive definite system of which this rank holds the rows
  /// `firstRow ..< firstRow + block.rowCount` (`block`: those rows, with global column indices;
  /// `rightHandSide`: their entries). Every rank of `communicator` calls it with its own,
  /// contiguous, ascending block; the blocks must cover the system.
  /// - Throws: ``KrylovError`` for mismatched sizes, ``PETScError`` when PETSc fails (the
  ///   preconditioner not built into this PETSc, a bad matrix).
  public static func solve(
    block: CSRMatrix, firstRow: Int, rightHandSide: [Double], preconditioner: PETScPreconditioner, options: SolverOptions,
    communicator: Communicator
  ) throws -> PETScSolution {
    let (rows, size) = (block.rowCount, block.columnCount)
    guard rightHandSide.count == rows else {
      throw KrylovError.dimensionMismatch("the right-hand side has \(rightHandSide.count) entries for \(rows) rows")
    }
    guard size <= Int(Int32.max) else {
      throw KrylovError.dimensionMismatch("PETSc here has 32-bit indices; \(size) unknowns do not fit")
    }
    try PETScSession.start()
    let world = cpetsc_comm_world()
    let owned = firstRow..<(firstRow + rows)

    // The distributed matrix: this rank's rows, preallocated exactly (diagonal and off-diagonal blocks).
    let assemblyStart = ContinuousClock.now
    var matrix: Mat? = nil
    try check(MatCreate(world, &matrix), "MatCreate")
    defer { MatDestroy(&matrix) }
    try check(MatSetSizes(matrix, PetscInt(rows), PetscInt(rows), PetscInt(size), PetscInt(size)), "MatSetSizes")
    try check(MatSetType(matrix, "mpiaij"), "MatSetType")
    var diagonalCounts = [PetscInt](repeating: 0, count: rows), offDiagonalCounts = [PetscInt](repeating: 0, count: rows)
    for i in 0..<rows {
      for k in Int(block.rowPointers[i])..<Int(block.rowPointers[i + 1]) {
        if owned.contains(Int(block.columnIndices[k])) { diagonalCounts[i] += 1 } else { offDiagonalCounts[i] += 1 }
      }
    }
    try check(MatMPIAIJSetPreallocation(matrix, 0, diagonalCounts, 0, offDiagonalCounts), "MatMPIAIJSetPreallocation")
    var columns = block.columnIndices.map { PetscInt($0) }
    var values = block.values
    for i in 0..<rows {
      var row = PetscInt(firstRow + i)
      let start = Int(block.rowPointers[i]), count = Int(block.rowPointers[i + 1]) - start
      try columns.withUnsafeMutableBufferPointer { c in
        try values.withUnsafeMutableBufferPointer { v in
          try check(
            MatSetValues(matrix, 1, &row, PetscInt(count), c.baseAddress! + start, v.baseAddress! + start, INSERT_VALUES), "MatSetValues")
        }
      }
    }
    try check(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), "MatAssemblyBegin")
    try check(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), "MatAssemblyEnd")

    var x: Vec? = nil, b: Vec? = nil
    try check(MatCreateVecs(matrix, &x, &b), "MatCreateVecs")
    defer {
      VecDestroy(&x)
      VecDestroy(&b)
    }
    var entries: UnsafeMutablePointer<PetscScalar>? = nil
    try check(VecGetArray(b, &entries), "VecGetArray")
    for i in 0..<rows { entries![i] = rightHandSide[i] }
    try check(VecRestoreArray(b, &entries), "VecRestoreArray")
    try check(VecSet(x, 0), "VecSet")
    let assemblySeconds = (ContinuousClock.now - assemblyStart) / .seconds(1)

    // CG + algebraic multigrid, judged on the true (unpreconditioned) residual.
    var ksp: KSP? = nil
    try check(KSPCreate(world, &ksp), "KSPCreate")
    defer { KSPDestroy(&ksp) }
    try check(KSPSetOperators(ksp, matrix, matrix), "KSPSetOperators")
    try check(KSPSetType(ksp, "cg"), "KSPSetType")
    var pc: PC? = nil
    try check(KSPGetPC(ksp, &pc), "KSPGetPC")
    switch preconditioner {
    case .gamg: try check(PCSetType(pc, "gamg"), "PCSetType(gamg)")
    case .hypre:
      try check(PCSetType(pc, "hypre"), "PCSetType(hypre)")
      try check(PCHYPRESetType(pc, "boomeramg"), "PCHYPRESetType(boomeramg)")
    }
    try check(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED), "KSPSetNormType")
    let cap = min(options.maxIterations ?? 10 * size, Int(Int32.max) - 1)
    try check(KSPSetTolerances(ksp, options.rtol, options.atol, cpetsc_default_real(), PetscInt(cap)), "KSPSetTolerances")
    let history = UnsafeMutableBufferPointer<PetscReal>.allocate(capacity: options.recordHistory ? min(cap, 100_000) + 1 : 1)
    defer { history.deallocate() }
    if options.recordHistory {
      try check(KSPSetResidualHistory(ksp, history.baseAddress, PetscInt(history.count), PETSC_TRUE), "KSPSetResidualHistory")
    }

    let setupStart = ContinuousClock.now
    try check(KSPSetUp(ksp), "KSPSetUp")
    let solveStart = ContinuousClock.now
    try check(KSPSolve(ksp, b, x), "KSPSolve")
    let solveEnd = ContinuousClock.now

    var iterations: PetscInt = 0, reason = KSP_CONVERGED_ITERATING, residual: PetscReal = 0, rhsNorm: PetscReal = 0
    try check(KSPGetIterationNumber(ksp, &iterations), "KSPGetIterationNumber")
    try check(KSPGetConvergedReason(ksp, &reason), "KSPGetConvergedReason")
    try check(KSPGetResidualNorm(ksp, &residual), "KSPGetResidualNorm")
    try check(VecNorm(b, NORM_2, &rhsNorm), "VecNorm")
    var recorded: PetscInt = 0
    if options.recordHistory {
      var pointer: UnsafePointer<PetscReal>? = nil
      try check(KSPGetResidualHistory(ksp, &pointer, &recorded), "KSPGetResidualHistory")
    }

    // The true residual, on the distributed matrix.
    var r: Vec? = nil
    try check(VecDuplicate(b, &r), "VecDuplicate")
    defer { VecDestroy(&r) }
    var trueResidual: PetscReal = 0
    try check(MatMult(matrix, x, r), "MatMult")
    try check(VecAYPX(r, -1, b), "VecAYPX")
    try check(VecNorm(r, NORM_2, &trueResidual), "VecNorm")
    var counts = [block.nonzeroCount]
    communicator.allReduceSum(&counts)

    var solution = [Double](repeating: 0, count: rows)
    var read: UnsafePointer<PetscScalar>? = nil
    try check(VecGetArrayRead(x, &read), "VecGetArrayRead")
    for i in 0..<rows { solution[i] = read![i] }
    try check(VecRestoreArrayRead(x, &read), "VecRestoreArrayRead")

    let report = SolveReport(
      reason: stopReason(reason, residual: residual, rightHandSideNorm: rhsNorm, options: options), iterations: Int(iterations),
      matvecs: Int(iterations) + 1, residualNorm: residual, rightHandSideNorm: rhsNorm,
      residualHistory: Array(history.prefix(Int(recorded))), seconds: (solveEnd - setupStart) / .seconds(1))
    return PETScSolution(
      localSolution: solution, report: report, relativeResidual: rhsNorm > 0 ? trueResidual / rhsNorm : trueResidual,
      nonzeros: counts[0], assemblySeconds: assemblySeconds, setupSeconds: (solveStart - setupStart) / .seconds(1),
      solveSeconds: (solveEnd - solveStart) / .seconds(1))
  }

  /// Our stop reason for KSP's: converged on the relative or the absolute bound (whichever was
  /// larger), or why it did not.
  static func stopReason(_ reason: KSPConvergedReason, residual: Double, rightHandSideNorm: Double, options: SolverOptions) -> StopReason {
    switch reason {
    case KSP_CONVERGED_RTOL, KSP_CONVERGED_ATOL, KSP_CONVERGED_RTOL_NORMAL, KSP_CONVERGED_ATOL_NORMAL:
      options.rtol * rightHandSideNorm >= options.atol ? .convergedRelative : .convergedAbsolute
    case KSP_DIVERGED_ITS: .maxIterations
    case KSP_DIVERGED_INDEFINITE_MAT: .indefiniteOperator
    case KSP_DIVERGED_INDEFINITE_PC: .indefinitePreconditioner
    case KSP_DIVERGED_NANORINF: .nonFinite
    default: residual.isFinite ? .breakdown : .nonFinite
    }
  }
}
