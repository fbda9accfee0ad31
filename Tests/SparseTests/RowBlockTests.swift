import Grids
import XCTest

@testable import Sparse

/// A rank's block of a grid system, assembled alone, is exactly those rows of the whole system.
final class RowBlockTests: XCTestCase {
  func testGridRowsAssembledAloneEqualTheRowsOfTheWholeSystem() throws {
    // 2D with a varying coefficient (vertex grid), 3D on a cell grid with a Neumann side.
    let plane = try UniformGrid(cellCounts: [9, 7], centring: .vertex)
    let cube = try UniformGrid(cellCounts: [4, 5, 3], centring: .cell)
    var neumann = GridBoundary.zeroDirichlet(dimension: 3)
    neumann.low[1] = .neumann(0.5)
    let cases: [(UniformGrid, GridField, GridBoundary?)] = [
      (plane, .function { x in 1 + x[0] * x[0] + 3 * x[1] }, nil), (cube, .constant(2), neumann),
    ]
    for (grid, coefficient, boundary) in cases {
      let whole = try GridSystem.diffusion(grid: grid, coefficient: coefficient, boundary: boundary)
      let matrix = CSRMatrix(whole.matrix)
      let n = matrix.rowCount
      for rows in [0..<n, 0..<1, 3..<(n / 2), (n / 2)..<n, 5..<6, n..<n] {
        let block = try GridSystem.diffusion(grid: grid, coefficient: coefficient, boundary: boundary, rows: rows)
        XCTAssertEqual(CSRMatrix(block.matrix), try matrix.rowBlock(rows), "rows \(rows) of \(grid.cellCounts)")
        XCTAssertEqual(block.rightHandSide, Array(whole.rightHandSide[rows]), "rows \(rows) of \(grid.cellCounts)")
      }
      XCTAssertThrowsError(try matrix.rowBlock(0..<(n + 1)))
    }
  }
}
