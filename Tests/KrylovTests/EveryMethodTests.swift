import Krylov
import Sparse
import TestSupport
import XCTest

/// Acceptance: every method of `opkit solve` reaches rtol 1e-8 on 2D Poisson 512x512.
final class EveryMethodTests: XCTestCase {
  func testEveryMethodReachesTheToleranceOn512Squared() throws {
    let (a, b, layout) = try Problems.poisson2D(512)
    for method in SolveMethod.allCases {
      let result = try SystemSolver.solve(a, rightHandSide: b, method: method, layout: layout)
      XCTAssertTrue(result.converged, "\(method.rawValue): \(result.report?.reason.rawValue ?? "direct")")
      XCTAssertLessThanOrEqual(result.relativeResidual, 1.01e-8, method.rawValue)
      print(
        "512x512 \(method.rawValue): \(result.iterations) iterations, relative residual \(result.relativeResidual), \(result.setupSeconds + result.solveSeconds) s"
      )
    }
  }
}
