import Sparse
import TestSupport
import XCTest

/// The Kronecker product applied axis by axis equals the assembled matrix's product.
final class KroneckerProductTests: XCTestCase {
  /// A `rows × columns` factor with one to three entries per row (some rows empty), values in
  /// [-1, 1).
  private func factor(_ rows: Int, _ columns: Int, seed: UInt64) throws -> CSRMatrix {
    let draws = randomVector(rows * 6, seed: seed)
    var (r, c, v) = ([Int32](), [Int32](), [Double]())
    for i in 0..<rows where i % 5 != 3 {
      for e in 0..<(1 + i % 3) {
        r.append(Int32(i))
        c.append(Int32(Int(abs(draws[6 * i + 2 * e]) * Double(columns)) % columns))
        v.append(draws[6 * i + 2 * e + 1])
      }
    }
    return try CSRMatrix(rowCount: rows, columnCount: columns, rows: r, columns: c, values: v)
  }

  func testAxisByAxisProductEqualsTheAssembledMatrix() throws {
    // One, two and three axes; expanding, shrinking and mixed factors; large enough in 3D for
    // several workers.
    let shapes: [[(Int, Int)]] = [[(7, 4)], [(9, 5), (4, 6)], [(3, 3), (11, 6), (5, 8)], [(40, 21), (39, 20), (38, 19)]]
    for (s, shape) in shapes.enumerated() {
      let product = KroneckerProduct(factors: try shape.enumerated().map { try factor($1.0, $1.1, seed: UInt64(10 * s + $0)) })
      for kron in [product, product.transposed()] {
        let matrix = try kron.assembled()
        XCTAssertEqual(matrix.rowCount, kron.rowCount)
        XCTAssertEqual(matrix.columnCount, kron.columnCount)
        let x = randomVector(kron.columnCount, seed: 99)
        let y0 = randomVector(kron.rowCount, seed: 98)
        var expected = [Double](repeating: 0, count: kron.rowCount)
        x.withUnsafeBufferPointer { x in expected.withUnsafeMutableBufferPointer { matrix.multiply(x, into: $0) } }
        for workers in [1, 2] {
          withWorkerCount(workers) {
            let workspace = KroneckerWorkspace()
            var y = [Double](repeating: .nan, count: kron.rowCount)
            x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { kron.multiply(x, into: $0, workspace: workspace) } }
            assertClose(y, expected, rtol: 1e-14, "shape \(shape), workers \(workers)")
            y = y0
            x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { kron.multiplyAdd(x, into: $0, workspace: workspace) } }
            assertClose(y, zip(y0, expected).map { $0 + $1 }, rtol: 1e-14, "add, shape \(shape), workers \(workers)")
          }
        }
      }
    }
  }

  /// `R A P` with `R` given as Kronecker factors equals the product with `R` assembled, for
  /// one, two and three axes (and four, through the assembled fallback).
  func testGalerkinProductWithKroneckerRestrictionEqualsTheAssembledOne() throws {
    let shapes: [[(Int, Int)]] = [
      [(4, 9)], [(5, 9), (3, 6)], [(3, 5), (4, 7), (2, 4)], [(2, 3), (2, 3), (3, 4), (2, 2)], [(60, 121), (50, 101)],
    ]
    for (s, shape) in shapes.enumerated() {
      let r = KroneckerProduct(factors: try shape.enumerated().map { try factor($1.0, $1.1, seed: UInt64(20 * s + $0)) })
      let n = r.columnCount
      // A banded matrix with a third of the band dropped (and the diagonal kept).
      let draws = randomVector(n * 7, seed: UInt64(s))
      var (rows, columns, values) = ([Int32](), [Int32](), [Double]())
      for i in 0..<n {
        for j in max(0, i - 3)...min(n - 1, i + 3) where (i * 7 + j * 3) % 3 != 0 || i == j {
          rows.append(Int32(i))
          columns.append(Int32(j))
          values.append(draws[7 * i + j - i + 3])
        }
      }
      let a = try CSRMatrix(rowCount: n, columnCount: n, rows: rows, columns: columns, values: values)
      let p = try r.transposed().assembled()
      let expected = try a.galerkinProduct(restriction: r.assembled(), prolongation: p)
      for workers in [1, 2] {
        try withWorkerCount(workers) {
          let product = try a.galerkinProduct(restriction: r, prolongation: p)
          XCTAssertEqual(product.rowPointers, expected.rowPointers, "shape \(shape)")
          XCTAssertEqual(product.columnIndices, expected.columnIndices, "shape \(shape)")
          assertClose(product.values, expected.values, rtol: 1e-13, "shape \(shape), workers \(workers)")
        }
      }
    }
  }
}
