import Grids
import Sparse
import TestSupport
import XCTest

@testable import Krylov

final class MultigridTests: XCTestCase {
  private func apply(_ m: MultigridPreconditioner, _ r: [Double]) -> [Double] {
    var z = [Double](repeating: 0, count: r.count)
    r.withUnsafeBufferPointer { rb in z.withUnsafeMutableBufferPointer { m.apply(rb, into: $0) } }
    return z
  }

  /// Far above the iteration counts asserted below, so a broken cycle fails in seconds instead
  /// of iterating to the default cap of 10·n.
  private var capped: SolverOptions {
    var options = SolverOptions()
    options.maxIterations = 50
    return options
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
          _ = level.b.update(fromContentsOf: randomVector(a.rowCount, seed: 3))
          _ = level.x.update(fromContentsOf: randomVector(a.rowCount, seed: 4))
          level.residual.update(repeating: .nan)
          level.smooth(forward: true, fromZero: fromZero, computingResidual: true)
          let fused = Array(level.residual)
          level.computeResidual()
          assertClose(fused, Array(level.residual), rtol: 1e-13, "workers \(workers), from zero \(fromZero)")
        }
      }
    }
  }

  /// The parallel ("hybrid") sweep: each worker's block is Gauss–Seidel within itself and reads
  /// the other blocks' values from before the sweep. `previous` starts as NaN, so a sweep that
  /// reads a value it did not copy fails.
  func testHybridSweepReadsOtherBlocksFromBeforeTheSweep() throws {
    let (a, _, _) = try Problems.poisson2D(199)
    let n = a.rowCount
    for workers in [1, 2, 3] {
      try withWorkerCount(workers) {
        for forward in [true, false] {
          let level = try MultigridLevel(matrix: a, prolongation: nil, restriction: nil)
          _ = level.b.update(fromContentsOf: randomVector(n, seed: 5))
          _ = level.x.update(fromContentsOf: randomVector(n, seed: 6))
          level.previous.update(repeating: .nan)
          var expected = Array(level.x)
          let old = expected
          for w in 0..<workers {
            let block = (n * w / workers)..<(n * (w + 1) / workers)
            for i in forward ? Array(block) : block.reversed() {
              var s = level.b[i], diagonal = 0.0
              for k in Int(a.rowPointers[i])..<Int(a.rowPointers[i + 1]) {
                let j = Int(a.columnIndices[k])
                if j == i { diagonal = a.values[k] } else { s -= a.values[k] * (block.contains(j) ? expected[j] : old[j]) }
              }
              expected[i] = s / diagonal
            }
          }
          level.smooth(forward: forward, fromZero: false)
          assertClose(Array(level.x), expected, rtol: 1e-13, "workers \(workers), forward \(forward)")
        }
      }
    }
  }

  func testIterationCountsDoNotGrowWithTheGrid() throws {
    var counts = [Int]()
    for n in [63, 127, 255, 256] {
      let (a, b, layout) = try Problems.poisson2D(n)
      let result = try SystemSolver.solve(a, rightHandSide: b, method: .pcgMultigrid, options: capped, layout: layout)
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
        CSRMatrix(system.matrix), rightHandSide: system.rightHandSide, method: .pcgMultigrid, options: capped,
        layout: system.layout)
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
