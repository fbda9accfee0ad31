import ArgumentParser
import Foundation
import OperatorKit

extension PETScPreconditioner: ExpressibleByArgument {}

/// Solves `matrix · x = rightHandSide` with PETSc over the ranks of `communicator`: each rank
/// inserts its contiguous block of rows into the distributed matrix, KSP CG + `preconditioner`
/// solves, and rank 0 gathers the solution and checks its true residual on the whole matrix.
/// Returns the solution on rank 0, nil on the others.
func solveWithPETSc(
  _ matrix: CSRMatrix, rightHandSide: [Double], preconditioner: PETScPreconditioner, options: SolverOptions, communicator: Communicator
) throws -> SystemSolution? {
  let rows = communicator.block(of: matrix.rowCount)
  let solved = try PETScSolver.solve(
    block: try matrix.rowBlock(rows), firstRow: rows.lowerBound, rightHandSide: Array(rightHandSide[rows]),
    preconditioner: preconditioner, options: options, communicator: communicator)
  let bytes = solved.localSolution.withUnsafeBytes { Array($0) }
  guard let blocks = communicator.gather(bytes) else { return nil }
  let solution = blocks.flatMap { block in
    block.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
  }
  return SystemSolution(
    solution: solution, report: solved.report, setupSeconds: solved.assemblySeconds + solved.setupSeconds,
    solveSeconds: solved.solveSeconds,
    relativeResidual: try SystemSolver.trueRelativeResidual(matrix, solution, rightHandSide), preconditioner: nil,
    converged: solved.report.converged)
}
