import Grids
import Sparse
import TestSupport
import XCTest

final class FactorizationTests: XCTestCase {
  private func relativeResidual(_ a: CSRMatrix, _ x: [Double], _ b: [Double]) throws -> Double {
    let ax = try a.multiplied(by: x)
    let r = zip(b, ax).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    return r / b.reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  func testCholeskySolvesSeveralRightHandSides() throws {
    let (a, b, _) = try Problems.poisson2D(60)
    let factor = try CholeskyFactorization(a)
    XCTAssertGreaterThan(factor.factorNonzeros, a.nonzeroCount / 2)
    let b2 = randomVector(b.count, seed: 11)
    let x = try factor.solve(b + b2, columns: 2)
    XCTAssertLessThan(try relativeResidual(a, Array(x[0..<b.count]), b), 1e-12)
    XCTAssertLessThan(try relativeResidual(a, Array(x[b.count...]), b2), 1e-12)
    XCTAssertThrowsError(try factor.solve([1, 2, 3]))
  }

  func testCholeskyRejectsIndefiniteAndNonsymmetricMatrices() throws {
    let system = try GridSystem.helmholtz(grid: UniformGrid(cellCounts: [20, 20]), wavenumber: .constant(10))
    XCTAssertThrowsError(try CholeskyFactorization(CSRMatrix(system.matrix))) { error in
      guard case .notPositiveDefinite(let column)? = error as? SparseError else { return XCTFail("\(error)") }
      XCTAssertGreaterThanOrEqual(column, 0)
      XCTAssertTrue("\(error)".contains("not positive definite"))
    }
    let convection = try GridSystem.convectionDiffusion(
      grid: UniformGrid(cellCounts: [10, 10]), diffusivity: 1, velocity: [.constant(5), .constant(0)])
    XCTAssertThrowsError(try CholeskyFactorization(CSRMatrix(convection.matrix))) { error in
      guard case .notSymmetric? = error as? SparseError else { return XCTFail("\(error)") }
    }
  }

  func testLUSolvesNonsymmetricAndIndefiniteSystems() throws {
    let convection = try GridSystem.convectionDiffusion(
      grid: UniformGrid(cellCounts: [50, 50]), diffusivity: 0.01, velocity: [.constant(1), .constant(0.3)], scheme: .upwind)
    let a = CSRMatrix(convection.matrix)
    let x = try LUFactorization(a).solve(convection.rightHandSide)
    XCTAssertLessThan(try relativeResidual(a, x, convection.rightHandSide), 1e-12)
    let helmholtz = try GridSystem.helmholtz(grid: UniformGrid(cellCounts: [40, 40]), wavenumber: .constant(15))
    let h = CSRMatrix(helmholtz.matrix)
    XCTAssertLessThan(try relativeResidual(h, try LUFactorization(h).solve(helmholtz.rightHandSide), helmholtz.rightHandSide), 1e-10)
  }

  func testLURejectsSingularAndNonFiniteMatrices() throws {
    let singular = try CSRMatrix(rowCount: 2, columnCount: 2, rows: [0, 0, 1, 1], columns: [0, 1, 0, 1], values: [1, 2, 2, 4])
    XCTAssertThrowsError(try LUFactorization(singular)) { error in
      guard case .singular? = error as? SparseError else { return XCTFail("\(error)") }
    }
    let nan = try CSRMatrix(rowCount: 1, columnCount: 1, rows: [0], columns: [0], values: [.nan])
    XCTAssertThrowsError(try LUFactorization(nan)) { error in
      XCTAssertTrue("\(error)".contains("(0, 0) is nan"), "\(error)")
    }
  }
}
