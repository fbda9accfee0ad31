import Foundation
import Grids
import Krylov
import Sparse
import TestSupport
import XCTest

final class RecycledConjugateGradientTests: XCTestCase {
  /// A sequence of related SPD systems: `−div(a∇u) = 1` on 48² with `a = 1 + ε sin(…)` varying
  /// slowly from system to system.
  private func system(_ k: Int) throws -> (CSRMatrix, [Double]) {
    let n = 48
    let grid = try UniformGrid(cellCounts: [n + 1, n + 1])
    let a = (0..<((n + 2) * (n + 2))).map { p in 1 + 0.5 * sin(Double(p % (n + 2)) * 0.2 + 0.1 * Double(k)) }
    let assembled = try GridSystem.diffusion(grid: grid, coefficient: .values(a))
    return (CSRMatrix(assembled.matrix), assembled.rightHandSide)
  }

  /// The first solve is PCG (same iteration count); later solves, deflating the carried
  /// subspace, need fewer iterations than PCG with the same IC(0) preconditioner, and every
  /// answer meets the tolerance by its true residual.
  func testRecyclingCutsIterationsOnASequenceAndSolvesEachSystem() throws {
    let options = SolverOptions(rtol: 1e-8)
    let (a0, b0) = try system(0)
    let recycled = RecycledConjugateGradient(size: b0.count, options: options, recycleDimension: 8, window: 16)
    var recycledIterations = [Int](), plainIterations = [Int]()
    for k in 0..<6 {
      let (a, b) = k == 0 ? (a0, b0) : try system(k)
      let m = try IncompleteCholesky(a)
      var x = [Double](repeating: 0, count: b.count), y = x
      let report = try recycled.solve(a, b, &x, preconditioner: m)
      let plain = try ConjugateGradient(size: b.count, options: options).solve(a, b, &y, preconditioner: m)
      XCTAssertTrue(report.converged, "system \(k): \(report.reason)")
      try assertSolves(a, x, b, relativeResidual: 2e-8, "system \(k)")
      recycledIterations.append(report.iterations)
      plainIterations.append(plain.iterations)
    }
    XCTAssertEqual(recycledIterations[0], plainIterations[0], accuracy: 1)
    XCTAssertEqual(recycled.recycledVectors.count, 8)
    let later = recycledIterations.dropFirst().reduce(0, +), plainLater = plainIterations.dropFirst().reduce(0, +)
    XCTAssertLessThan(Double(later), 0.9 * Double(plainLater), "recycled \(recycledIterations), plain \(plainIterations)")
  }

  /// Deflating exact eigenvectors removes their eigenvalues: with the lowest eigenvectors of the
  /// 1D Laplacian recycled, CG on the same matrix converges faster than from scratch.
  func testRecycledSpaceApproachesTheLowEigenvectors() throws {
    let n = 200
    let a = try CSRMatrix.maskedPoisson(shape: [n])
    let b = (0..<n).map { Double($0 % 7) - 3 }
    let solver = RecycledConjugateGradient(size: n, options: SolverOptions(rtol: 1e-10), recycleDimension: 4, window: 30)
    var iterations = [Int]()
    for _ in 0..<4 {
      var x = [Double](repeating: 0, count: n)
      let report = try solver.solve(a, b, &x)
      try assertSolves(a, x, b, relativeResidual: 2e-10)
      iterations.append(report.iterations)
    }
    // The kept vectors are near eigenvectors of the smallest eigenvalues: Rayleigh quotients
    // far below the spectrum's middle (2).
    for u in solver.recycledVectors {
      let quotient = zip(try a.multiplied(by: u), u).reduce(0.0) { $0 + $1.0 * $1.1 }
      XCTAssertLessThan(quotient, 0.05)
    }
    XCTAssertLessThan(iterations.last!, iterations.first!, "\(iterations)")
  }
}
