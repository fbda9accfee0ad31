import Foundation
import Sparse
import TestSupport
import XCTest

final class CSRMatrixTests: XCTestCase {
  /// A random sparse matrix (about `density` filled) and its dense copy, row-major.
  private func randomMatrix(_ rows: Int, _ columns: Int, density: Double, seed: UInt64) throws -> (CSRMatrix, [Double]) {
    var g = SeededGenerator(seed: seed)
    var coo = COOMatrix(rowCount: rows, columnCount: columns)
    var dense = [Double](repeating: 0, count: rows * columns)
    for i in 0..<rows {
      for j in 0..<columns where Double.random(in: 0..<1, using: &g) < density {
        let v = Double.random(in: -1..<1, using: &g)
        coo.append(row: i, column: j, value: v)
        dense[i * columns + j] += v
      }
    }
    return (try CSRMatrix(coo), dense)
  }

  func testTripletsSumDuplicatesAndSortColumns() throws {
    var coo = COOMatrix(rowCount: 2, columnCount: 3)
    coo.append(row: 1, column: 2, value: 1)
    coo.append(row: 0, column: 1, value: 2)
    coo.append(row: 1, column: 0, value: 3)
    coo.append(row: 1, column: 2, value: 4)
    let a = try CSRMatrix(coo)
    XCTAssertEqual(a.rowPointers, [0, 1, 3])
    XCTAssertEqual(a.columnIndices, [1, 0, 2])
    XCTAssertEqual(a.values, [2, 3, 5])
    XCTAssertEqual(a[1, 2], 5)
    XCTAssertEqual(a[0, 0], 0)
  }

  func testInvalidStructureIsRejected() {
    XCTAssertThrowsError(try CSRMatrix(rowCount: 2, columnCount: 2, rowPointers: [0, 2, 1], columnIndices: [0], values: [1]))
    XCTAssertThrowsError(try CSRMatrix(rowCount: 1, columnCount: 2, rowPointers: [0, 2], columnIndices: [1, 0], values: [1, 1])) { error in
      XCTAssertTrue("\(error)".contains("unsorted"), "\(error)")
    }
    XCTAssertThrowsError(try CSRMatrix(rowCount: 1, columnCount: 2, rowPointers: [0, 1], columnIndices: [5], values: [1])) { error in
      XCTAssertTrue("\(error)".contains("column 5"), "\(error)")
    }
    XCTAssertThrowsError(try CSRMatrix(rowCount: 1, columnCount: 1, rows: [0], columns: [3], values: [1]))
  }

  func testMultiplyTransposeAndCSCMatchDense() throws {
    let (a, dense) = try randomMatrix(40, 30, density: 0.2, seed: 1)
    let x = randomVector(30, seed: 2)
    let expected = (0..<40).map { i in (0..<30).reduce(0) { $0 + dense[i * 30 + $1] * x[$1] } }
    assertClose(try a.multiplied(by: x), expected, rtol: 1e-14)
    let t = a.transposed()
    XCTAssertEqual(t.transposed(), a)
    for i in 0..<40 { for j in 0..<30 { XCTAssertEqual(t[j, i], dense[i * 30 + j]) } }
    let csc = CSCMatrix(a)
    XCTAssertEqual(csc.csr, a)
    var y = [Double](repeating: 0, count: 40)
    x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { csc.multiply(xb, into: $0) } }
    assertClose(y, expected, rtol: 1e-14)
    XCTAssertThrowsError(try a.multiplied(by: [1, 2]))
    // The fused variants: y + A x and b − A x.
    let base = randomVector(40, seed: 12)
    var sum = base, difference = [Double](repeating: 0, count: 40)
    x.withUnsafeBufferPointer { xb in
      sum.withUnsafeMutableBufferPointer { a.multiplyAdd(xb, into: $0) }
      base.withUnsafeBufferPointer { bb in difference.withUnsafeMutableBufferPointer { a.residual(bb, xb, into: $0) } }
    }
    assertClose(sum, zip(base, expected).map { $0 + $1 }, rtol: 1e-14)
    assertClose(difference, zip(base, expected).map { $0 - $1 }, rtol: 1e-14)
  }

  func testParallelSpMVMatchesSerialOnALargeMatrix() throws {
    let (a, _, _) = try Problems.poisson2D(300)
    let x = randomVector(a.columnCount, seed: 3)
    let serial = try withWorkerCount(1) { try a.multiplied(by: x) }
    let parallel = try withWorkerCount(4) { try a.multiplied(by: x) }
    XCTAssertEqual(parallel, serial, "each row is summed the same way whatever the worker count")
  }

  func testSparseProductAndKroneckerMatchDense() throws {
    let (a, da) = try randomMatrix(25, 30, density: 0.15, seed: 4)
    let (b, db) = try randomMatrix(30, 20, density: 0.15, seed: 5)
    let c = try a.multiplied(by: b)
    XCTAssertNoThrow(
      try CSRMatrix(
        rowCount: c.rowCount, columnCount: c.columnCount, rowPointers: c.rowPointers, columnIndices: c.columnIndices, values: c.values))
    for i in 0..<25 {
      for j in 0..<20 {
        let expected = (0..<30).reduce(0.0) { $0 + da[i * 30 + $1] * db[$1 * 20 + j] }
        assertClose(c[i, j], expected, rtol: 1e-13, atol: 1e-15)
      }
    }
    // The fused Galerkin product equals the two-step one.
    let (r, _) = try randomMatrix(12, 25, density: 0.2, seed: 9)
    let (square, _) = try randomMatrix(25, 25, density: 0.2, seed: 10)
    let (prolongation, _) = try randomMatrix(25, 12, density: 0.2, seed: 11)
    let fused = try square.galerkinProduct(restriction: r, prolongation: prolongation)
    let stepwise = try r.multiplied(by: square.multiplied(by: prolongation))
    XCTAssertEqual(fused.rowPointers, stepwise.rowPointers)
    XCTAssertEqual(fused.columnIndices, stepwise.columnIndices)
    assertClose(fused.values, stepwise.values, rtol: 1e-14)
    XCTAssertThrowsError(try square.galerkinProduct(restriction: prolongation, prolongation: prolongation))

    let (p, dp) = try randomMatrix(3, 4, density: 0.5, seed: 6)
    let (q, dq) = try randomMatrix(5, 2, density: 0.5, seed: 7)
    let k = try p.kronecker(q)
    XCTAssertEqual(k.rowCount, 15)
    XCTAssertEqual(k.columnCount, 8)
    for i in 0..<3 {
      for r in 0..<5 {
        for j in 0..<4 {
          for s in 0..<2 {
            XCTAssertEqual(k[i * 5 + r, j * 2 + s], dp[i * 4 + j] * dq[r * 2 + s])
          }
        }
      }
    }
  }

  func testMatrixMarketRoundTripsAndReportsBadLines() throws {
    let (a, _) = try randomMatrix(12, 9, density: 0.3, seed: 8)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtx-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("a.mtx").path
    try MatrixMarket.write(a, to: path)
    XCTAssertEqual(try MatrixMarket.readMatrix(from: path), a, "values round-trip exactly")

    let (s, _, _) = try Problems.poisson2D(5)
    try MatrixMarket.write(s, to: path, symmetric: true)
    XCTAssertEqual(try MatrixMarket.readMatrix(from: path), s, "the symmetric form mirrors the lower triangle")

    try MatrixMarket.writeArray([1.5, -2, 3e-300], to: path)
    let array = try MatrixMarket.readArray(from: path)
    XCTAssertEqual(array.values, [1.5, -2, 3e-300])

    // CRLF and CR line endings read like LF (Swift treats "\r\n" as one character).
    let arrayText = try String(contentsOfFile: path, encoding: .utf8)
    try MatrixMarket.write(s, to: path, symmetric: true)
    let matrixText = try String(contentsOfFile: path, encoding: .utf8)
    for ending in ["\r\n", "\r"] {
      try arrayText.replacingOccurrences(of: "\n", with: ending).write(toFile: path, atomically: true, encoding: .utf8)
      XCTAssertEqual(try MatrixMarket.readArray(from: path).values, [1.5, -2, 3e-300], "line ending \(ending.debugDescription)")
      try matrixText.replacingOccurrences(of: "\n", with: ending).write(toFile: path, atomically: true, encoding: .utf8)
      XCTAssertEqual(try MatrixMarket.readMatrix(from: path), s, "line ending \(ending.debugDescription)")
    }

    let bad = "%%MatrixMarket matrix coordinate real general\n% c\n3 3 2\n1 1 1.0\n2 4 1.0\n"
    try bad.write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try MatrixMarket.readMatrix(from: path)) { error in
      XCTAssertEqual(error as? SparseError, .malformedFile(file: path, line: 5, message: "entry (2.0, 4.0) is outside the 3x3 matrix"))
    }
    try "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.0\n".write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try MatrixMarket.readMatrix(from: path)) { error in
      XCTAssertTrue("\(error)".contains("end of file"), "\(error)")
    }
    try "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n".write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try MatrixMarket.readMatrix(from: path)) { error in
      XCTAssertTrue("\(error)".contains("complex"), "\(error)")
    }
  }
}
