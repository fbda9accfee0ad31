import Foundation
import Krylov
import Sparse
import TestSupport
import XCTest

/// A direction map from a closure, for the tests.
private final class MapDirections: Preconditioner {
  let body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
  init(_ body: @escaping (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) { self.body = body }
  func apply(_ r: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) { body(r, z) }
}

final class ConjugateDirectionsTests: XCTestCase {
  /// With the residual as direction the method is CG: the same iteration count on 2D Poisson,
  /// and the true residual meets the tolerance.
  func testResidualDirectionsReproduceConjugateGradients() throws {
    let (a, b, _) = try Problems.poisson2D(40)
    var x = [Double](repeating: 0, count: b.count), y = x
    let options = SolverOptions(rtol: 1e-8)
    let cd = try ConjugateDirections(size: b.count, orthogonalizeAgainst: 1, options: options).solve(
      a, b, &x, directions: MapDirections { r, z in for i in 0..<r.count { z[i] = r[i] } })
    let cg = try ConjugateGradient(size: b.count, options: options).solve(a, b, &y)
    XCTAssertTrue(cd.converged)
    XCTAssertEqual(cd.iterations, cg.iterations, accuracy: 2)
    XCTAssertEqual(cd.directionFallbacks, 0)
    try assertSolves(a, x, b, relativeResidual: 1.01e-8)
  }

  /// The exact inverse as direction map solves in one step.
  func testExactInverseDirectionsSolveInOneIteration() throws {
    let (a, b, _) = try Problems.poisson2D(20)
    let factor = try CholeskyFactorization(a)
    var x = [Double](repeating: 0, count: b.count)
    let report = try ConjugateDirections(size: b.count).solve(
      a, b, &x,
      directions: MapDirections { r, z in
        let s = try! factor.solve(Array(r))
        for i in 0..<s.count { z[i] = s[i] }
      })
    XCTAssertEqual(report.iterations, 1)
    try assertSolves(a, x, b, relativeResidual: 1e-10)
  }

  /// Failing maps never produce a wrong answer: NaN directions, zero directions and a
  /// direction the previous ones already span are replaced by the residual and counted.
  func testUnusableDirectionsFallBackToTheResidualAndAreCounted() throws {
    let (a, b, _) = try Problems.poisson2D(24)
    let n = b.count
    var first = [Double]()
    let broken: [(String, MapDirections)] = [
      ("NaN", MapDirections { _, z in for i in 0..<z.count { z[i] = .nan } }),
      ("zero", MapDirections { _, z in for i in 0..<z.count { z[i] = 0 } }),
      // Always the first residual: while the first direction is among the last k, it lies in
      // their span (after that it is A-orthogonalized against the window and usable once).
      (
        "repeated",
        MapDirections { r, z in
          if first.isEmpty { first = Array(r) }
          for i in 0..<z.count { z[i] = first[i] }
        }
      ),
    ]
    for (name, map) in broken {
      var x = [Double](repeating: 0, count: n)
      let report = try ConjugateDirections(size: n, options: SolverOptions(rtol: 1e-8)).solve(a, b, &x, directions: map)
      XCTAssertTrue(report.converged, name)
      let fallbacks = try XCTUnwrap(report.directionFallbacks)
      XCTAssertGreaterThanOrEqual(fallbacks, name == "repeated" ? report.iterations - 3 : report.iterations, name)
      try assertSolves(a, x, b, relativeResidual: 1.01e-8, name)
    }
  }

  /// Lanczos on the 1D Laplacian `tridiag(−1, 2, −1)`: run to `n` steps it reproduces every
  /// eigenvalue `2 − 2cos(kπ/(n+1))`; cut short, the Ritz values lie inside the spectrum, the
  /// Ritz vectors are orthonormal and the reported residuals are the true `‖A y − θ y‖`.
  func testLanczosRitzPairs() throws {
    let n = 60
    let a = try CSRMatrix.maskedPoisson(shape: [n])
    let start: [Double] = (0..<n).map { i in Double((i * 7919) % 101) / 101 - 0.5 }
    let full = try LanczosRitzPairs(a, steps: n, start: start)
    XCTAssertEqual(full.values.count, n)
    for k in 1...n {
      let exact: Double = 2 - 2 * cos(Double(k) * Double.pi / Double(n + 1))
      XCTAssertEqual(full.values[k - 1], exact, accuracy: 1e-10, "eigenvalue \(k)")
    }
    let ritz = try LanczosRitzPairs(a, steps: 25, start: start)
    XCTAssertEqual(ritz.values.count, 25)
    XCTAssertGreaterThan(ritz.values[0], full.values[0] - 1e-12)
    XCTAssertLessThan(ritz.values[24], full.values[n - 1] + 1e-12)
    for i in [0, 1, 12, 24] {
      let y = ritz.vectors[i]
      let ay = try a.multiplied(by: y)
      let theta = ritz.values[i]
      var squares = 0.0
      for k in 0..<n { squares += (ay[k] - theta * y[k]) * (ay[k] - theta * y[k]) }
      XCTAssertEqual(squares.squareRoot(), ritz.residuals[i], accuracy: 1e-8)
      for j in [0, 1, 12, 24] {
        var dot = 0.0
        for k in 0..<n { dot += y[k] * ritz.vectors[j][k] }
        XCTAssertEqual(dot, i == j ? 1.0 : 0.0, accuracy: 1e-10)
      }
    }
    XCTAssertThrowsError(try LanczosRitzPairs(a, steps: 5, start: [Double](repeating: 0, count: n)))
  }

  /// The obstacle matrix: the plain box is `h²` times the grid Laplacian; solids keep identity
  /// rows, walls around them carry no flux, and the matrix stays symmetric positive definite.
  func testMaskedPoissonMatrix() throws {
    let n = 9
    let (grid, _, _) = try Problems.poisson2D(n)
    let box = try CSRMatrix.maskedPoisson(shape: [n, n])
    let h2 = 1 / Double((n + 1) * (n + 1))
    for (row, column) in [(0, 0), (0, 1), (0, n), (40, 40), (40, 39), (40, 31), (40, 41)] {
      XCTAssertEqual(box[row, column], h2 * grid[row, column], accuracy: 1e-12, "(\(row), \(column))")
    }
    var solid = [Bool](repeating: false, count: n * n)
    solid[40] = true  // the centre cell
    let masked = try CSRMatrix.maskedPoisson(shape: [n, n], solid: solid)
    XCTAssertNil(masked.firstAsymmetry())
    XCTAssertEqual(masked[40, 40], 1)
    XCTAssertEqual(masked[40, 39], 0)
    XCTAssertEqual(masked[39, 39], 3, "one face is a wall")
    XCTAssertEqual(masked[39, 40], 0)
    XCTAssertNoThrow(try CholeskyFactorization(masked))
    XCTAssertThrowsError(try CSRMatrix.maskedPoisson(shape: [n, n], solid: [true]))
    // A ring of solids around the centre cell seals it off: a singular pure Neumann pocket.
    var ring = [Bool](repeating: false, count: n * n)
    for (i, j) in [(3, 4), (5, 4), (4, 3), (4, 5)] { ring[i * n + j] = true }
    XCTAssertThrowsError(try CSRMatrix.maskedPoisson(shape: [n, n], solid: ring)) {
      XCTAssertTrue("\($0)".contains("(4, 4)"), "\($0)")
    }
  }
}
