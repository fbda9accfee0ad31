import Grids
import Krylov
import Sparse
import TestSupport
import XCTest

final class ConjugateGradientTests: XCTestCase {
  func testTrueResidualMeetsTheTolerance() throws {
    let (a, b, _) = try Problems.poisson2D(64)
    var x = [Double](repeating: 0, count: b.count)
    let counter = MatvecCounter(a)
    let report = try ConjugateGradient(size: b.count).solve(counter, b, &x)
    XCTAssertEqual(report.reason, .convergedRelative)
    try assertSolves(a, x, b, relativeResidual: 1.01e-8)
    XCTAssertEqual(report.matvecs, counter.count)
    XCTAssertEqual(report.residualHistory.count, report.iterations + 1)
    XCTAssertLessThan(report.iterations, 400)
  }

  func testZeroRightHandSideGivesZeroWithoutIterating() throws {
    let (a, b, _) = try Problems.poisson2D(10)
    var x = randomVector(b.count, seed: 1)
    let report = try ConjugateGradient(size: b.count).solve(a, Array(repeating: 0, count: b.count), &x)
    XCTAssertEqual(report.reason, .convergedAbsolute)
    XCTAssertEqual(report.iterations, 0)
    XCTAssertEqual(x, Array(repeating: 0, count: b.count))
  }

  func testOneIterationStopsAfterOneStepAndStartsFromTheGuess() throws {
    let (a, b, _) = try Problems.poisson2D(20)
    var x = [Double](repeating: 0, count: b.count)
    let report = try ConjugateGradient(size: b.count, options: SolverOptions(maxIterations: 1)).solve(a, b, &x)
    XCTAssertEqual(report.reason, .maxIterations)
    XCTAssertFalse(report.converged)
    XCTAssertEqual(report.iterations, 1)
    // Starting from the exact solution needs no iteration, and the guess is kept.
    var exact = try Problems.directSolve(a, b)
    let saved = exact
    let again = try ConjugateGradient(size: b.count, options: SolverOptions(rtol: 1e-8)).solve(a, b, &exact)
    XCTAssertEqual(again.iterations, 0)
    XCTAssertEqual(exact, saved)
  }

  func testReusedWorkspaceGivesIdenticalReports() throws {
    let (a, b, _) = try Problems.poisson2D(30)
    let solver = ConjugateGradient(size: b.count)
    var x1 = [Double](repeating: 0, count: b.count), x2 = x1
    let first = try solver.solve(a, b, &x1)
    let second = try solver.solve(a, b, &x2)
    XCTAssertEqual(first.iterations, second.iterations)
    XCTAssertEqual(first.matvecs, second.matvecs, "statistics restart from zero")
    XCTAssertEqual(x1, x2)
    XCTAssertEqual(solver.size, b.count)
    XCTAssertThrowsError(try solver.solve(a, [1, 2], &x1))
  }

  func testIndefiniteOperatorAndNaNAreReportedNotHidden() throws {
    let indefinite = try CSRMatrix(rowCount: 2, columnCount: 2, rows: [0, 1], columns: [0, 1], values: [1, -1])
    var x = [0.0, 0.0]
    XCTAssertEqual(try ConjugateGradient(size: 2).solve(indefinite, [0, 1], &x).reason, .indefiniteOperator)
    x = [0, 0]
    XCTAssertEqual(try ConjugateGradient(size: 2).solve(indefinite, [.nan, 1], &x).reason, .nonFinite)
  }

  func testMonitorCanStopTheSolve() throws {
    let (a, b, _) = try Problems.poisson2D(30)
    var x = [Double](repeating: 0, count: b.count)
    var seen = [Int]()
    let report = try ConjugateGradient(size: b.count).solve(a, b, &x) { iteration, _ in
      seen.append(iteration)
      return iteration == 3 ? .stop : .proceed
    }
    XCTAssertEqual(report.reason, .stoppedByMonitor)
    XCTAssertEqual(seen, [1, 2, 3])
  }

  func testPreconditionersCutIterations() throws {
    let (a, b, layout) = try Problems.poisson2D(127)
    func iterations(_ m: (any Preconditioner)?) throws -> Int {
      var x = [Double](repeating: 0, count: b.count)
      let report = try ConjugateGradient(size: b.count).solve(a, b, &x, preconditioner: m)
      XCTAssertTrue(report.converged)
      try assertSolves(a, x, b, relativeResidual: 1.01e-8)
      return report.iterations
    }
    let plain = try iterations(nil)
    let ic = try iterations(IncompleteCholesky(a))
    let mg = try iterations(MultigridPreconditioner(matrix: a, layout: layout))
    XCTAssertLessThan(ic, plain / 2)
    XCTAssertLessThan(mg, 12)
    XCTAssertNoThrow(try JacobiPreconditioner(a))
  }

  func testIncompleteCholeskyReportsBreakdown() throws {
    let system = try GridSystem.helmholtz(grid: UniformGrid(cellCounts: [20, 20]), wavenumber: .constant(30))
    XCTAssertThrowsError(try IncompleteCholesky(CSRMatrix(system.matrix))) { error in
      XCTAssertTrue("\(error)".contains("non-positive pivot"), "\(error)")
    }
  }
}
