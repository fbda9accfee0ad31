import ArgumentParser
import Foundation
import OperatorKit

extension PETScPreconditioner: ExpressibleByArgument {}

/// Solves the system of which this rank holds the rows `firstRow ..< firstRow + block.rowCount`
/// (`block`, `rightHandSide`: those rows) with PETSc over the ranks of `communicator`: each rank
/// inserts its rows into the distributed matrix, KSP CG + `preconditioner` solves, the true
/// residual is recomputed on the distributed matrix, and rank 0 gathers the solution.
/// Returns the solution and the global nonzero count on rank 0, nil on the others.
func solveWithPETSc(
  block: CSRMatrix, firstRow: Int, rightHandSide: [Double], preconditioner: PETScPreconditioner, options: SolverOptions,
  communicator: Communicator
) throws -> (solution: SystemSolution, nonzeros: Int)? {
  let solved = try PETScSolver.solve(
    block: block, firstRow: firstRow, rightHandSide: rightHandSide, preconditioner: preconditioner, options: options,
    communicator: communicator)
  let bytes = solved.localSolution.withUnsafeBytes { Array($0) }
  guard let blocks = communicator.gather(bytes) else { return nil }
  let solution = blocks.flatMap { block in
    block.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
  }
  let result = SystemSolution(
    solution: solution, report: solved.report, setupSeconds: solved.assemblySeconds + solved.setupSeconds,
    solveSeconds: solved.solveSeconds, relativeResidual: solved.relativeResidual, preconditioner: nil, converged: solved.report.converged)
  return (result, solved.nonzeros)
}
