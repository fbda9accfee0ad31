import Grids
import Krylov
import Sparse
import TestSupport
import XCTest

final class IncompleteLUTests: XCTestCase {
  /// On a tridiagonal matrix LU has no fill-in, so ILU(0) is the exact factorization: applying
  /// it solves the system. Rows stored with unsorted columns give the same factors.
  func testIsExactWithoutFillIn() throws {
    let n = 30
    var rows = [Int32](), columns = [Int32](), values = [Double]()
    for i in (0..<n).reversed() {
      for (j, v) in [(i + 1, -1.3), (i, 4.0 + Double(i % 3)), (i - 1, -0.7)] where (0..<n).contains(j) {
        rows.append(Int32(i))
        columns.append(Int32(j))
        values.append(v)
      }
    }
    let a = try CSRMatrix(rowCount: n, columnCount: n, rows: rows, columns: columns, values: values)
    let ilu = try IncompleteLU(a)
    let r = randomVector(n, seed: 1)
    var z = [Double](repeating: 0, count: n)
    r.withUnsafeBufferPointer { rb in z.withUnsafeMutableBufferPointer { ilu.apply(rb, into: $0) } }
    assertClose(try a.multiplied(by: z), r, rtol: 1e-12)
  }

  /// GMRES(40) right-preconditioned by ILU(0) solves a convection–diffusion system to the true
  /// residual in fewer iterations than with Jacobi; a zero pivot is reported with its row.
  func testPreconditionsGMRESAndReportsZeroPivots() throws {
    let system = try GridSystem.convectionDiffusion(
      grid: UniformGrid(cellCounts: [48, 48]), diffusivity: 0.02, velocity: [.constant(1), .constant(0.5)], scheme: .upwind)
    let a = CSRMatrix(system.matrix)
    var iterations = [PreconditionerKind: Int]()
    for kind in [PreconditionerKind.jacobi, .ilu] {
      var x = [Double](repeating: 0, count: a.rowCount)
      let m = try SystemSolver.makePreconditioner(kind, a, system.layout)
      let report = try GMRES(size: a.rowCount, options: SolverOptions(restart: 40)).solve(a, system.rightHandSide, &x, preconditioner: m)
      XCTAssertTrue(report.converged, "\(kind): \(report.reason)")
      try assertSolves(a, x, system.rightHandSide, relativeResidual: 1.01e-8, "\(kind)")
      iterations[kind] = report.iterations
    }
    XCTAssertLessThan(iterations[.ilu]!, iterations[.jacobi]! / 2, "\(iterations)")
    // [[1, 1], [1, 1]]: the second pivot is 1 − 1·1 = 0.
    let singular = try CSRMatrix(rowCount: 2, columnCount: 2, rows: [0, 0, 1, 1], columns: [0, 1, 0, 1], values: [1, 1, 1, 1])
    XCTAssertThrowsError(try IncompleteLU(singular)) { XCTAssertTrue("\($0)".contains("row 1"), "\($0)") }
    let noDiagonal = try CSRMatrix(rowCount: 2, columnCount: 2, rows: [0, 1], columns: [1, 0], values: [1, 1])
    XCTAssertThrowsError(try IncompleteLU(noDiagonal)) { XCTAssertTrue("\($0)".contains("row 0 has no diagonal"), "\($0)") }
  }
}
