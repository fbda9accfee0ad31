import Foundation
import Grids
import Krylov
import Meshes
import Sparse
import XCTest

/// Problem generators shared by the test targets.
public enum Problems {
  /// The 2D Poisson matrix with `n × n` interior unknowns (vertex grid, h = 1/(n+1)), `f = 1`.
  public static func poisson2D(_ n: Int) throws -> (matrix: CSRMatrix, rhs: [Double], layout: GridLayout) {
    let system = try GridSystem.diffusion(grid: UniformGrid(cellCounts: [n + 1, n + 1]))
    return (CSRMatrix(system.matrix), system.rightHandSide, system.layout)
  }

  /// Solves `A x = b` directly (UMFPACK) for reference solutions.
  public static func directSolve(_ a: CSRMatrix, _ b: [Double]) throws -> [Double] {
    try LUFactorization(a).solve(b)
  }

  /// Discrete L2 norm `sqrt(h^d Σ e_i²)` of `computed − exact(x_i)` over a layout's unknowns.
  public static func gridL2Error(_ computed: [Double], layout: GridLayout, exact: ([Double]) -> Double) -> Double {
    var sum = 0.0
    let h = layout.grid.spacing
    layout.forEachUnknown { i, _, point in
      let x = (0..<point.count).map { layout.grid.coordinate(point[$0], axis: $0) }
      let e = computed[i] - exact(x)
      sum += e * e
    }
    return (sum * h.reduce(1, *)).squareRoot()
  }

  /// The unit cube `[0,1]³` cut into `n³` small cubes of 6 tetrahedra each (Kuhn's
  /// triangulation), with the 12 boundary triangles per boundary square as facets (tag 1).
  public static func unitCubeMesh(_ n: Int) -> Mesh {
    func id(_ i: Int, _ j: Int, _ k: Int) -> Int32 { Int32((i * (n + 1) + j) * (n + 1) + k) }
    var coordinates = [Double]()
    for i in 0...n { for j in 0...n { for k in 0...n { coordinates += [Double(i), Double(j), Double(k)].map { $0 / Double(n) } } } }
    var cells = [Int32]()
    let paths: [[(Int, Int, Int)]] = [
      [(1, 0, 0), (0, 1, 0), (0, 0, 1)], [(1, 0, 0), (0, 0, 1), (0, 1, 0)], [(0, 1, 0), (1, 0, 0), (0, 0, 1)],
      [(0, 1, 0), (0, 0, 1), (1, 0, 0)], [(0, 0, 1), (1, 0, 0), (0, 1, 0)], [(0, 0, 1), (0, 1, 0), (1, 0, 0)],
    ]
    for i in 0..<n {
      for j in 0..<n {
        for k in 0..<n {
          for path in paths {
            var (a, b, c) = (i, j, k)
            var tet = [id(a, b, c)]
            for step in path {
              (a, b, c) = (a + step.0, b + step.1, c + step.2)
              tet.append(id(a, b, c))
            }
            cells += tet
          }
        }
      }
    }
    return Mesh(dimension: 3, coordinates: coordinates, cells: cells)
  }

  /// The unit square cut into `n²` squares of two triangles each.
  public static func unitSquareMesh(_ n: Int) -> Mesh {
    var coordinates = [Double]()
    for i in 0...n { for j in 0...n { coordinates += [Double(i) / Double(n), Double(j) / Double(n), 0] } }
    var cells = [Int32]()
    for i in 0..<n {
      for j in 0..<n {
        let a = Int32(i * (n + 1) + j), b = a + Int32(n + 1)
        cells += [a, b, b + 1, a, b + 1, a + 1]
      }
    }
    return Mesh(dimension: 2, coordinates: coordinates, cells: cells)
  }

  /// The repository's `meshes/` folder, found from this source file's location.
  public static func meshPath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("meshes").appendingPathComponent(name).path
  }
}

/// Asserts that `x` solves `A x = b` to a true relative residual `‖b − A x‖ / ‖b‖ ≤ bound`,
/// recomputed here (never taken from a solver's report).
public func assertSolves(
  _ a: CSRMatrix, _ x: [Double], _ b: [Double], relativeResidual bound: Double, _ message: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line
) throws {
  let residual = try SystemSolver.trueRelativeResidual(a, x, b)
  XCTAssertLessThanOrEqual(residual, bound, "true relative residual \(residual) \(message())", file: file, line: line)
}

/// A linear operator that counts how often it is applied.
public final class MatvecCounter: LinearOperator {
  private let base: any LinearOperator
  /// Applications so far.
  public private(set) var count = 0
  /// Wraps `base`.
  public init(_ base: any LinearOperator) { self.base = base }
  public var rowCount: Int { base.rowCount }
  public var columnCount: Int { base.columnCount }
  public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    count += 1
    base.apply(x, into: y)
  }
}
