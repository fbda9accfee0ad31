import Grids
@testable import Krylov
import Sparse
import TestSupport
import XCTest

final class MultigridTests: XCTestCase {
  private func apply(_ m: MultigridPreconditioner, _ r: [Double]) -> [Double] {
    var z = [Double](repeating: 0, count: r.count)
    r.withUnsafeBufferPointer { rb in z.withUnsafeMutableBufferPointer { m.apply(rb, into: $0) } }
    return z
  }

  func testVCycleIsSymmetricPositiveDefinite() throws {
    for workers in [1, 2] {
      try withWorkerCount(workers) {
        let (a, _, layout) = try Problems.poisson2D(200)
        let m = try MultigridPreconditioner(matrix: a, layout: layout)
        let x = randomVector(a.rowCount, seed: 1), y = randomVector(a.rowCount, seed: 2)
        let mx = apply(m, x), my = apply(m, y)
        let xmy = zip(x, my).reduce(0) { $0 + $1.0 * $1.1 }, ymx = zip(y, mx).reduce(0) { $0 + $1.0 * $1.1 }
        assertClose(xmy, ymx, rtol: 1e-10, "workers \(workers)")
        XCTAssertGreaterThan(zip(x, mx).reduce(0) { $0 + $1.0 * $1.1 }, 0)
      }
    }
  }

  /// The residual the last pre-smoothing sweep leaves behind equals `b − A x` computed after
  /// it, for sweeps from zero and from a guess, on one worker and on blocks that do not divide
  /// the rows (the rows near block edges are finished after every block is swept).
  func testFusedSweepResidualEqualsTheResidualAfterTheSweep() throws {
    let (a, _, _) = try Problems.poisson2D(199)  // 198k entries: 3 blocks with 3 workers
    XCTAssertEqual(a.bandwidth, 199)
    for workers in [1, 2, 3] {
      try withWorkerCount(workers) {
        for fromZero in [true, false] {
          let level = try MultigridLevel(matrix: a, prolongation: nil, restriction: nil)
          level.b = randomVector(a.rowCount, seed: 3)
          level.x = randomVector(a.rowCount, seed: 4)
          level.residual = Array(repeating: .nan, count: a.rowCount)
          level.smooth(forward: true, fromZero: fromZero, computingResidual: true)
          let fused = level.residual
          level.computeResidual()
          assertClose(fused, level.residual, rtol: 1e-13, "workers \(workers), from zero \(fromZero)")
        }
      }
    }
  }

  func testIterationCountsDoNotGrowWithTheGrid() throws {
    var counts = [Int]()
    for n in [63, 127, 255, 256] {
      let (a, b, layout) = try Problems.poisson2D(n)
      let result = try SystemSolver.solve(a, rightHandSide: b, method: .pcgMultigrid, layout: layout)
      XCTAssertTrue(result.converged)
      XCTAssertLessThanOrEqual(result.relativeResidual, 1.01e-8)
      counts.append(result.iterations)
    }
    XCTAssertLessThanOrEqual(counts.max() ?? 99, 10, "\(counts)")
    XCTAssertLessThanOrEqual((counts.max() ?? 0) - (counts.min() ?? 0), 2, "\(counts)")
  }

  func testJumpingCoefficientsNeumannSidesAndThreeDimensions() throws {
    // Darcy-like checkerboard with contrast 4, cell-centred with Neumann walls on one axis.
    let grid = try UniformGrid(cellCounts: [96, 96], centring: .cell)
    let darcy = try GridSystem.diffusion(
      grid: grid, coefficient: .function { x in (Int(x[0] * 8) + Int(x[1] * 8)) % 2 == 0 ? 12 : 3 },
      boundary: GridBoundary(low: [.dirichlet(0), .neumann(0)], high: [.dirichlet(0), .neumann(0)]))
    let grid3 = try UniformGrid(cellCounts: [32, 32, 32])
    let poisson3 = try GridSystem.diffusion(grid: grid3)
    for system in [darcy, poisson3] {
      let result = try SystemSolver.solve(
        CSRMatrix(system.matrix), rightHandSide: system.rightHandSide, method: .pcgMultigrid, layout: system.layout)
      XCTAssertTrue(result.converged)
      XCTAssertLessThanOrEqual(result.relativeResidual, 1.01e-8)
      XCTAssertLessThan(result.iterations, 15)
    }
  }

  func testMultigridNeedsAGridAndAMatchingMatrix() throws {
    let (a, b, layout) = try Problems.poisson2D(8)
    XCTAssertThrowsError(try SystemSolver.solve(a, rightHandSide: b, method: .pcgMultigrid)) { error in
      XCTAssertTrue("\(error)".contains("structured grid"), "\(error)")
    }
    let other = try GridLayout(grid: UniformGrid(cellCounts: [5, 5]), boundary: .zeroDirichlet(dimension: 2))
    XCTAssertThrowsError(try MultigridPreconditioner(matrix: a, layout: other))
    XCTAssertGreaterThan(try MultigridPreconditioner(matrix: a, layout: layout).levelCount, 0)
  }
}
