import Krylov
import Sparse
import TestSupport
import XCTest

/// GCRO-DR and recycled CG behind the one ``RecyclingSolver`` protocol, with the solver surface
/// of CG and GMRES.
final class RecyclingSolverTests: XCTestCase {
  /// A monitor sees every iteration and can stop the solve; `b = 0` gives `x = 0` without an
  /// operator application; a reused solver (its workspace allocated once) repeats a fresh
  /// solve bit for bit after `resetRecycling()`, and its answer meets the tolerance by the true
  /// residual.
  func testTheRecyclingSolversShareTheSolverSurface() throws {
    let (a, b, _) = try Problems.poisson2D(30)
    let n = a.rowCount
    let solvers: [any RecyclingSolver] = [
      GCRODR(size: n, options: SolverOptions(restart: 20), recycleDimension: 5), RecycledConjugateGradient(size: n),
    ]
    for solver in solvers {
      let name = "\(type(of: solver))"
      var seen = [Int]()
      var x = [Double](repeating: 0, count: n)
      let stopped = try solver.solve(a, b, &x, preconditioner: nil) { iteration, _ in
        seen.append(iteration)
        return iteration >= 5 ? .stop : .proceed
      }
      XCTAssertEqual(stopped.reason, .stoppedByMonitor, name)
      XCTAssertEqual(seen, [1, 2, 3, 4, 5], name)

      var guess = randomVector(n, seed: 2)
      let zero = try solver.solve(a, [Double](repeating: 0, count: n), &guess, preconditioner: nil, monitor: nil)
      XCTAssertEqual(zero.reason, .convergedAbsolute, name)
      XCTAssertEqual(zero.matvecs, 0, name)
      XCTAssertEqual(guess, [Double](repeating: 0, count: n), name)

      var answers = [[Double]]()
      for _ in 0..<2 {
        solver.resetRecycling()
        var x = [Double](repeating: 0, count: n)
        let report = try solver.solve(a, b, &x, preconditioner: nil, monitor: nil)
        XCTAssertTrue(report.converged, "\(name): \(report.reason)")
        XCTAssertLessThanOrEqual(try SystemSolver.trueRelativeResidual(a, x, b), 1.01e-8, name)
        answers.append(x)
      }
      XCTAssertEqual(answers[0], answers[1], "\(name): a reused workspace keeps no state between solves")
    }
  }
}
