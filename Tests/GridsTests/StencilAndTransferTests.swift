import Grids
import Sparse
import TestSupport
import XCTest

final class StencilAndTransferTests: XCTestCase {
  func testPoissonStencilHasTheClassicalEntries() throws {
    let system = try GridSystem.diffusion(grid: UniformGrid(cellCounts: [4, 4]))
    let h2 = 1.0 / 16
    XCTAssertEqual(system.layout.unknownCounts, [3, 3])
    assertClose(system.matrix.diagonal[4], 4 / h2)
    assertClose(system.matrix.lower[0][4], -1 / h2)
    assertClose(system.matrix.upper[1][4], -1 / h2)
    XCTAssertEqual(system.matrix.lower[1][3], 0, "no west neighbour at the left edge")
    assertClose(system.rightHandSide[0], 1)
  }

  func testMatrixFreeApplyMatchesCSR() throws {
    for cells in [[9], [5, 7], [4, 5, 6]] {
      for centring in GridCentring.allCases {
        let grid = try UniformGrid(cellCounts: cells, centring: centring)
        let boundary = GridBoundary(
          low: cells.indices.map { $0 == 0 ? .neumann(0) : .dirichlet(0) }, high: cells.map { _ in .dirichlet(0) })
        let system = try GridSystem.convectionDiffusion(
          grid: try UniformGrid(cellCounts: cells), diffusivity: 1, velocity: cells.map { _ in .constant(3) })
        let diffusion = try GridSystem.diffusion(grid: grid, coefficient: .function { x in 1 + x[0] }, boundary: boundary)
        for op in [system.matrix, diffusion.matrix] {
          let x = randomVector(op.size, seed: 7)
          var y = [Double](repeating: 0, count: op.size)
          x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { op.apply(xb, into: $0) } }
          assertClose(try CSRMatrix(op).multiplied(by: x), y, rtol: 1e-14)
        }
        XCTAssertNil(CSRMatrix(diffusion.matrix).firstAsymmetry(tolerance: 1e-14), "diffusion must be symmetric")
      }
    }
  }

  func testVertexTransferIsNestedLinearInterpolation() throws {
    let layout = try GridLayout(grid: UniformGrid(cellCounts: [8]), boundary: .zeroDirichlet(dimension: 1))
    let levels = GridTransfer.hierarchy(for: layout, coarsestUnknowns: 1)
    XCTAssertEqual(levels.map(\.fineCounts), [[7], [3]])
    XCTAssertEqual(levels.last?.coarseCounts, [1])
    let w = levels[0].axisWeights[0].map { $0.map { "\($0.coarse):\($0.weight)" } }
    XCTAssertEqual(w, [["0:0.5"], ["0:1.0"], ["0:0.5", "1:0.5"], ["1:1.0"], ["1:0.5", "2:0.5"], ["2:1.0"], ["2:0.5"]])
    // An even number of unknowns (odd cell count) still nests: the last one sits next to the wall.
    let even = try GridLayout(grid: UniformGrid(cellCounts: [7]), boundary: .zeroDirichlet(dimension: 1))
    let t = GridTransfer.hierarchy(for: even, coarsestUnknowns: 1)[0]
    XCTAssertEqual(t.coarseCounts, [3])
    XCTAssertEqual(t.axisWeights[0][5].map(\.coarse), [2])
    XCTAssertEqual(t.axisWeights[0][5].map(\.weight), [1])
  }

  func testNeumannTransferKeepsConstants() throws {
    // With Neumann on both sides, prolongation must reproduce constants (every row sums to 1).
    for centring in GridCentring.allCases {
      let layout = try GridLayout(grid: UniformGrid(cellCounts: [10, 9], centring: centring), boundary: .all(.neumann(0), dimension: 2))
      for transfer in GridTransfer.hierarchy(for: layout, coarsestUnknowns: 4) {
        for axis in transfer.axisWeights {
          for row in axis { assertClose(row.reduce(0) { $0 + $1.weight }, 1, rtol: 1e-14) }
        }
      }
    }
  }
}
