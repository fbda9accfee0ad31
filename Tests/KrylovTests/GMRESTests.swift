import Grids
import Krylov
import Sparse
import TestSupport
import XCTest

final class GMRESTests: XCTestCase {
  func testArnoldiRelationAndOrthonormality() throws {
    let system = try GridSystem.convectionDiffusion(
      grid: UniformGrid(cellCounts: [12, 12]), diffusivity: 0.1, velocity: [.constant(1), .constant(-2)])
    let a = CSRMatrix(system.matrix)
    let n = a.rowCount, m = 15
    let basis = ArnoldiBasis(size: n, capacity: m)
    let r = randomVector(n, seed: 3)
    let norm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
    r.withUnsafeBufferPointer { basis.start(with: $0, norm: norm) }
    for _ in 0..<m { basis.extend { v, w in a.multiply(v, into: w) } }
    func column(_ j: Int) -> [Double] { Array(basis.vector(j)) }
    // A v_j = Σ_{i ≤ j+1} H[i, j] v_i
    for j in 0..<m {
      let av = try a.multiplied(by: column(j))
      var combination = [Double](repeating: 0, count: n)
      for i in 0...(j + 1) { for k in 0..<n { combination[k] += basis.h(i, j) * column(i)[k] } }
      assertClose(combination, av, rtol: 1e-12)
    }
    for i in 0...m {
      for j in 0...m {
        let dot = zip(column(i), column(j)).reduce(0) { $0 + $1.0 * $1.1 }
        assertClose(dot, i == j ? 1 : 0, atol: 1e-13)
      }
    }
  }

  func testSolvesNonsymmetricSystemsToTheTrueResidual() throws {
    let system = try GridSystem.convectionDiffusion(
      grid: UniformGrid(cellCounts: [64, 64]), diffusivity: 0.05, velocity: [.constant(1), .constant(0.5)], scheme: .upwind)
    let a = CSRMatrix(system.matrix)
    for (kind, cap) in [(PreconditionerKind.none, 2000), (.jacobi, 2000), (.multigrid, 60)] {
      var x = [Double](repeating: 0, count: a.rowCount)
      let m = try SystemSolver.makePreconditioner(kind, a, system.layout)
      let report = try GMRES(size: a.rowCount, options: SolverOptions(restart: 40)).solve(a, system.rightHandSide, &x, preconditioner: m)
      XCTAssertTrue(report.converged, "\(kind): \(report.reason)")
      XCTAssertLessThan(report.iterations, cap, "\(kind)")
      try assertSolves(a, x, system.rightHandSide, relativeResidual: 1.01e-8, "\(kind)")
    }
  }

  func testStagnationAndEdgeCasesAreReported() throws {
    // GMRES(1) on the swap matrix makes no progress from x = 0 with b = e₁.
    let swap = try CSRMatrix(rowCount: 2, columnCount: 2, rows: [0, 1], columns: [1, 0], values: [1, 1])
    var x = [0.0, 0.0]
    let report = try GMRES(size: 2, options: SolverOptions(restart: 1)).solve(swap, [1, 0], &x)
    XCTAssertEqual(report.reason, .stagnation)
    // Full GMRES solves it in two steps.
    x = [0, 0]
    XCTAssertTrue(try GMRES(size: 2, options: SolverOptions(restart: 2)).solve(swap, [1, 0], &x).converged)
    assertClose(x, [0, 1], atol: 1e-14)
    // Zero right-hand side and a one-iteration cap.
    let (a, b, _) = try Problems.poisson2D(16)
    var y = randomVector(b.count, seed: 4)
    XCTAssertEqual(try GMRES(size: b.count).solve(a, Array(repeating: 0, count: b.count), &y).reason, .convergedAbsolute)
    XCTAssertEqual(y, Array(repeating: 0, count: b.count))
    var z = [Double](repeating: 0, count: b.count)
    let one = try GMRES(size: b.count, options: SolverOptions(maxIterations: 1)).solve(a, b, &z)
    XCTAssertEqual(one.iterations, 1)
    XCTAssertEqual(one.reason, .maxIterations)
  }
}
