import Foundation
import Meshes
import Sparse
import TestSupport
import XCTest

/// P1 finite elements: second order in L2 on refined meshes, exact for linear solutions.
final class FiniteElementTests: XCTestCase {
  private func l2Error(_ mesh: Mesh, exact: @escaping MeshFunction, source: @escaping MeshFunction, tags: Set<Int32>? = nil) throws
    -> Double
  {
    let system = try FiniteElementSystem.poisson(mesh: mesh, source: source, dirichletTags: tags, dirichletValue: exact)
    let u = try CholeskyFactorization(system.matrix).solve(system.rightHandSide)
    return try system.l2Error(nodalValues: system.nodalValues(u), exact: exact)
  }

  func testSecondOrderOnTheRefinedGmshSquare() throws {
    let exact: MeshFunction = { x in sin(.pi * x[0]) * sin(.pi * x[1]) }
    let source: MeshFunction = { x in 2 * .pi * .pi * sin(.pi * x[0]) * sin(.pi * x[1]) }
    var mesh = try Mesh(gmshFile: Problems.meshPath("square.msh"))
    var errors = [Double]()
    for _ in 0..<3 {
      errors.append(try l2Error(mesh, exact: exact, source: source))
      mesh = mesh.refinedUniformly()
    }
    assertConvergenceOrder(errors, order: 2)
  }

  func testSecondOrderOnTheLShapeWithNonzeroDirichletData() throws {
    // u = eˣ sin y is harmonic; its values are the Dirichlet data on the whole boundary.
    let exact: MeshFunction = { x in exp(x[0]) * sin(x[1]) }
    var mesh = try Mesh(gmshFile: Problems.meshPath("lshape.msh"))
    var errors = [Double]()
    for _ in 0..<3 {
      errors.append(try l2Error(mesh, exact: exact, source: { _ in 0 }, tags: [1]))
      mesh = mesh.refinedUniformly()
    }
    assertConvergenceOrder(errors, order: 2)
  }

  func testSecondOrderInThreeDimensions() throws {
    let exact: MeshFunction = { x in sin(.pi * x[0]) * sin(.pi * x[1]) * sin(.pi * x[2]) }
    let source: MeshFunction = { x in 3 * .pi * .pi * exact(x) }
    let errors = try [4, 8, 16].map { try l2Error(Problems.unitCubeMesh($0), exact: exact, source: source) }
    assertConvergenceOrder(errors, order: 2)
  }

  func testLinearSolutionsAreExactAndMixedBoundariesWork() throws {
    let exact: MeshFunction = { x in 1 + x[0] + 2 * x[1] }
    let mesh = try Mesh(gmshFile: Problems.meshPath("disk-with-hole.msh"))
    XCTAssertLessThan(try l2Error(mesh, exact: exact, source: { _ in 0 }), 1e-11)
    // Dirichlet on the inner circle only: the outer circle is insulated, so u = 1 solves
    // −Δu = 0 with u = 1 on the hole.
    let system = try FiniteElementSystem.poisson(mesh: mesh, source: { _ in 0 }, dirichletTags: [2], dirichletValue: { _ in 1 })
    let u = system.nodalValues(try CholeskyFactorization(system.matrix).solve(system.rightHandSide))
    XCTAssertLessThan(u.map { abs($0 - 1) }.max() ?? 1, 1e-10)
  }

  func testBadInputIsReported() throws {
    let mesh = Problems.unitSquareMesh(4)
    XCTAssertThrowsError(try FiniteElementSystem.poisson(mesh: mesh, coefficient: { _ in -1 })) { error in
      XCTAssertTrue("\(error)".contains("must be positive"), "\(error)")
    }
    var flat = mesh
    for n in 0..<flat.nodeCount { flat.coordinates[3 * n + 1] = 0 }
    XCTAssertThrowsError(try FiniteElementSystem.poisson(mesh: flat)) { error in
      XCTAssertTrue("\(error)".contains("degenerate"), "\(error)")
    }
  }
}
