import Foundation
import Krylov
import PDEData
import Sparse
import Tensors
import TestSupport
import XCTest

/// The Neumann and periodic members of the Darcy family: their discretizations against exact
/// solutions, and the generator writing them.
final class DarcyBoundaryTests: XCTestCase {
  private func solve(_ problem: DarcyProblem, coefficient: [Double]) throws -> [Double] {
    let system = try problem.system(coefficient: coefficient)
    let solution = try SystemSolver.solve(system.matrix, rightHandSide: system.rightHandSide, method: .cholmod)
    XCTAssertLessThan(solution.relativeResidual, 1e-12)
    return problem.fullField(unknowns: solution.solution)
  }

  /// For a layered coefficient `a(x) = 2 + sin(2πx)` the corrector solves `a (1 + u') = H`,
  /// `H = 1 / mean(1/a) = √3`, so `u(x) = ∫₀ˣ (H/a − 1) − mean`; the scheme converges to it at
  /// second order (reference by Simpson's rule on a fine grid).
  func testPeriodicCorrectorConvergesAtSecondOrder() throws {
    func a(_ x: Double) -> Double { 2 + sin(2 * .pi * x) }
    let fine = 1 << 14
    var reference = [Double](repeating: 0, count: fine + 1)  // ∫₀^(k/fine) (H/a − 1), Simpson per interval
    for k in 0..<fine {
      let (x0, x1) = (Double(k) / Double(fine), Double(k + 1) / Double(fine))
      let g = { (x: Double) in 3.0.squareRoot() / a(x) - 1 }
      reference[k + 1] = reference[k] + (x1 - x0) / 6 * (g(x0) + 4 * g((x0 + x1) / 2) + g(x1))
    }
    var errors = [Double]()
    for s in [16, 32, 64] {
      let problem = try DarcyProblem(resolution: s, boundary: .periodic)
      let coefficient = (0..<(s * s)).map { a(Double($0 / s) / Double(s)) }
      let u = try solve(problem, coefficient: coefficient)
      let exact = (0..<s).map { reference[$0 * fine / s] }
      let mean = exact.reduce(0, +) / Double(s)
      var error = 0.0
      for p in 0..<(s * s) { error = max(error, abs(u[p] - (exact[p / s] - mean))) }
      errors.append(error)
    }
    XCTAssertLessThan(errors[0], 0.01, "errors \(errors)")
    for k in 1..<errors.count { XCTAssertEqual(log2(errors[k - 1] / errors[k]), 2, accuracy: 0.15, "errors \(errors)") }
  }

  /// The corrector commutes with circular shifts: shifting the coefficient by `(3, 5)` shifts the
  /// solution by the same amount — a check that the wrap-around couplings are in place.
  func testPeriodicSolutionFollowsShiftedCoefficients() throws {
    let s = 16
    let problem = try DarcyProblem(resolution: s, boundary: .periodic)
    let a = problem.coefficient(index: 3, seed: 2)
    func shifted(_ field: [Double]) -> [Double] { (0..<(s * s)).map { field[(($0 / s + 3) % s) * s + ($0 % s + 5) % s] } }
    let u = try solve(problem, coefficient: a), v = try solve(problem, coefficient: shifted(a))
    XCTAssertGreaterThan(u.map(abs).max() ?? 0, 0.01)
    assertClose(v, shifted(u), atol: 1e-10)
  }

  /// With `a = 1`, insulated walls at `x = 0, 1` and `u = 0` at `y = 0, 1`, the solution of
  /// `−Δu = 1` is `y(1 − y)/2` whatever `x`, which the scheme reproduces exactly (quadratic).
  func testNeumannWallsGiveTheOneDimensionalProfile() throws {
    let s = 17
    let problem = try DarcyProblem(resolution: s, boundary: .neumann)
    XCTAssertEqual(problem.unknowns, s * (s - 2))
    let u = try solve(problem, coefficient: Array(repeating: 1, count: s * s))
    for i in 0..<s {
      for j in 0..<s {
        let y = Double(j) / Double(s - 1)
        assertClose(u[i * s + j], y * (1 - y) / 2, atol: 1e-12)
      }
    }
  }

  func testGeneratorWritesBoundaryAndRejectsMultigridOnTheTorus() throws {
    let directory = temporaryDirectory("darcy-boundary").path
    let generator = try DarcyDatasetGenerator(
      resolution: 16, boundary: .periodic, samples: 3, seed: 1, solver: .independent(.pcgIC), shardSize: 2)
    let summary = try generator.generate(in: directory)
    XCTAssertLessThanOrEqual(summary.maxRelativeResidual, 1e-8 * 1.01)
    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/meta.json"))) as? [String: Any]
    XCTAssertEqual(meta?["boundary"] as? String, "periodic")
    let u = try NumpyArray(contentsOf: directory + "/sol.npy")
    XCTAssertEqual(u.shape, [3, 16, 16])
    XCTAssertThrowsError(try DarcyDatasetGenerator(resolution: 16, boundary: .periodic, samples: 3, seed: 1)) { error in
      XCTAssertTrue("\(error)".contains("periodic"), "\(error)")
    }
  }
}
