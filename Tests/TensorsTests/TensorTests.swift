import Tensors
import TestSupport
import XCTest

final class TensorTests: XCTestCase {
  func testBroadcastingValuesAndErrors() throws {
    let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let row = try Tensor(shape: [3], scalars: [10, 20, 30])
    let column = try Tensor(shape: [2, 1], scalars: [100, 200])
    XCTAssertEqual(try (a + row).scalars, [11, 22, 33, 14, 25, 36])
    XCTAssertEqual(try (a * column).scalars, [100, 200, 300, 800, 1000, 1200])
    XCTAssertEqual(try (row + column).shape, [2, 3])
    XCTAssertThrowsError(try a + Tensor(zeros: [2])) { error in
      XCTAssertEqual("\(error)", "+: incompatible shapes [2, 3] and [2]")
    }
    XCTAssertThrowsError(try Tensor(shape: [2, 2], scalars: [1])) { error in
      XCTAssertTrue("\(error)".contains("holds 4 elements, got 1"), "\(error)")
    }
  }

  func testReductionsAndShapes() throws {
    let x = try Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
    XCTAssertEqual(try x.sum().scalar, 21)
    XCTAssertEqual(try x.summed(alongAxes: [0]).scalars, [5, 7, 9])
    XCTAssertEqual(try x.summed(alongAxes: [1], keepingAxes: true).shape, [2, 1])
    XCTAssertEqual(try x.max(alongAxes: [1]).scalars, [5, 6])
    XCTAssertEqual(try x.mean().scalar, 3.5)
    XCTAssertEqual(try x.transposed().scalars, [1, 4, 5, 2, 3, 6])
    XCTAssertEqual(try x.reshaped(to: [3, -1]).shape, [3, 2])
    XCTAssertThrowsError(try x.reshaped(to: [4, 2]))
    XCTAssertThrowsError(try x.summed(alongAxes: [2])) { error in
      XCTAssertTrue("\(error)".contains("axis 2 is out of range for shape [2, 3]"), "\(error)")
    }
    XCTAssertThrowsError(try x.permuted([0, 0]))
  }

  func testMatmulMatchesTheDefinition() throws {
    let a = randomTensor([2, 5, 7], seed: 1), b = randomTensor([2, 7, 3], seed: 2)
    let c = try a.matmul(b)
    XCTAssertEqual(c.shape, [2, 5, 3])
    for s in 0..<2 {
      for i in 0..<5 {
        for j in 0..<3 {
          let expected = (0..<7).reduce(Float(0)) { $0 + a.scalars[s * 35 + i * 7 + $1] * b.scalars[s * 21 + $1 * 3 + j] }
          XCTAssertEqual(c.scalars[s * 15 + i * 3 + j], expected, accuracy: 1e-5)
        }
      }
    }
    XCTAssertThrowsError(try a.matmul(randomTensor([3, 3], seed: 3))) { error in
      XCTAssertEqual("\(error)", "matmul: incompatible shapes [2, 5, 7] and [3, 3]")
    }
  }

  func testTapeRecordsOnlyWhileRecordingAndReportsMisuse() throws {
    let x = randomTensor([3], seed: 4)
    let tape = GradientTape()
    let (gradient, unused): (Tensor, Tensor) = try tape.record {
      let (wx, wy) = (tape.watch(x), tape.watch(x))
      let y = try (wx * wx).sum()
      let g = try tape.gradients(of: y, withRespectTo: [wx, wy])
      return (g[0], g[1])
    }
    XCTAssertEqual(gradient.scalars, x.scalars.map { 2 * $0 })
    XCTAssertEqual(unused.scalars, [0, 0, 0], "an input the output does not use gets a zero gradient")
    let entries = tape.entryCount
    _ = try (x * x).sum()  // outside record: nothing is recorded
    XCTAssertEqual(tape.entryCount, entries)
    XCTAssertThrowsError(try tape.gradients(of: x, withRespectTo: [x])) { error in
      XCTAssertTrue("\(error)".contains("not computed from watched tensors"), "\(error)")
    }
  }

  func testNonFiniteValuesAreNamed() throws {
    let x = try Tensor(shape: [2, 2], scalars: [1, 2, .nan, 4])
    XCTAssertThrowsError(try x.checkFinite("conv2d input")) { error in
      XCTAssertEqual("\(error)", "conv2d input: non-finite value nan at index [1, 0]")
    }
  }

  func testEveryNonFinitePositionIsFoundAndLargeFiniteValuesPass() throws {
    // 37 elements: four 8-wide steps and a tail of 5; the largest finite floats have all
    // exponent bits but one set.
    let finite = (0..<37).map { i in i % 3 == 0 ? Float.greatestFiniteMagnitude : -Float.leastNonzeroMagnitude * Float(i) }
    XCTAssertNoThrow(try Tensor(shape: [37], scalars: finite).checkFinite("finite"))
    for position in [0, 7, 8, 20, 31, 32, 36] {
      for bad in [Float.nan, .infinity, -.infinity] {
        var values = finite
        values[position] = bad
        XCTAssertThrowsError(try Tensor(shape: [37], scalars: values).checkFinite("x")) { error in
          XCTAssertEqual("\(error)", "x: non-finite value \(bad) at index [\(position)]")
        }
      }
    }
  }
}
