import Tensors
import TestSupport
import XCTest

/// Every differentiable op against central finite differences.
final class GradientTests: XCTestCase {
  func testArithmeticWithBroadcasting() throws {
    let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([3, 1], seed: 2)
    let positive = randomTensor([3, 1], in: 0.5..<2, seed: 3)
    try checkGradients([a, b]) { try $0[0] + $0[1] }
    try checkGradients([a, b]) { try $0[0] - $0[1] }
    try checkGradients([a, b]) { try $0[0] * $0[1] }
    try checkGradients([a, positive]) { try $0[0] / $0[1] }
    try checkGradients([b, a]) { try $0[0] * $0[1] }
    try checkGradients([a]) { -($0[0] * 3) + 1 }
    try checkGradients([a, randomTensor([4], seed: 4)]) { try $0[0] * $0[1] }
  }

  func testActivations() throws {
    // Values kept away from ReLU's kink at 0.
    let x = try Tensor(shape: [2, 5], scalars: [-2, -1.1, -0.6, -0.3, -0.15, 0.15, 0.3, 0.6, 1.1, 2])
    let positive = randomTensor([2, 5], in: 0.3..<3, seed: 5)
    try checkGradients([x]) { $0[0].relu() }
    try checkGradients([x]) { $0[0].tanh() }
    try checkGradients([x]) { $0[0].sigmoid() }
    try checkGradients([x]) { $0[0].gelu() }
    try checkGradients([x]) { $0[0].silu() }
    try checkGradients([x]) { $0[0].exp() }
    try checkGradients([x]) { $0[0].squared() }
    try checkGradients([positive]) { $0[0].log() }
    try checkGradients([positive]) { $0[0].squareRoot() }
  }

  func testReductions() throws {
    let x = randomTensor([3, 4, 5], seed: 6)
    try checkGradients([x]) { try $0[0].sum() }
    try checkGradients([x]) { try $0[0].summed(alongAxes: [1]) }
    try checkGradients([x]) { try $0[0].summed(alongAxes: [0, -1], keepingAxes: true) }
    // Empty axes sum to zero (an H1 norm along an axis of one point has no differences).
    XCTAssertEqual(try Tensor(zeros: [2, 0, 3]).summed(alongAxes: [1]).scalars, [0, 0, 0, 0, 0, 0])
    XCTAssertEqual(try Tensor(zeros: [2, 0]).sum().scalars, [0])
    try checkGradients([x]) { try $0[0].mean(alongAxes: [2]) }
    // Distinct values 1/30 apart: no maximum ties within the finite-difference step.
    let separated = try Tensor(shape: [3, 4, 5], scalars: (0..<60).map { Float(($0 * 37) % 60) / 30 - 1 })
    try checkGradients([separated]) { try $0[0].max(alongAxes: [1]) }
    try checkGradients([x]) { try $0[0].l2Norm(alongAxes: [0, 2]) }
  }

  func testShapeOperations() throws {
    let x = randomTensor([2, 3, 4], seed: 7)
    try checkGradients([x]) { try $0[0].reshaped(to: [4, -1]) }
    try checkGradients([x]) { try $0[0].permuted([2, 0, 1]) }
    try checkGradients([x]) { try $0[0].transposed() }
    try checkGradients([randomTensor([3, 1], seed: 8)]) { try $0[0].broadcasted(to: [2, 3, 5]) }
  }

  func testMatrixProducts() throws {
    try checkGradients([randomTensor([3, 4], seed: 9), randomTensor([4, 2], seed: 10)]) { try $0[0].matmul($0[1]) }
    try checkGradients([randomTensor([2, 3, 4], seed: 11), randomTensor([2, 4, 5], seed: 12)]) { try $0[0].matmul($0[1]) }
    try checkGradients([randomTensor([2, 3, 4], seed: 13), randomTensor([4, 5], seed: 14)]) { try $0[0].matmul($0[1]) }
  }

  func testCompositionsAccumulateEveryUse() throws {
    // x used three times; a small two-layer network.
    let x = randomTensor([4, 3], seed: 15), w1 = randomTensor([3, 8], seed: 16), w2 = randomTensor([8, 2], seed: 17)
    try checkGradients([x]) { try ($0[0] * $0[0]).summed(alongAxes: [1]) * $0[0].mean(alongAxes: [1]) }
    try checkGradients([x, w1, w2], tolerance: 2e-2) { try $0[0].matmul($0[1]).gelu().matmul($0[2]).tanh() }
  }
}

/// Indexing ops: padding modes, slicing, concatenation.
final class IndexingGradientTests: XCTestCase {
  func testPaddingSlicingAndConcatenation() throws {
    let x = try Tensor(shape: [1, 3], scalars: [1, 2, 3])
    XCTAssertEqual(try x.padded([(2, 1)], mode: .zero).scalars, [0, 0, 1, 2, 3, 0])
    XCTAssertEqual(try x.padded([(2, 1)], mode: .replicate).scalars, [1, 1, 1, 2, 3, 3])
    XCTAssertEqual(try x.padded([(2, 1)], mode: .circular).scalars, [2, 3, 1, 2, 3, 1])
    XCTAssertEqual(try x.padded([(2, 1)], mode: .reflect).scalars, [3, 2, 1, 2, 3, 2])  // numpy.pad(mode="reflect")
    XCTAssertThrowsError(try x.padded([(4, 0)], mode: .circular))
    XCTAssertThrowsError(try x.padded([(3, 0)], mode: .reflect))
    let y = randomTensor([2, 3, 4], seed: 1)
    XCTAssertEqual(try y.sliced([1..<2, 0..<3, 1..<3]).shape, [1, 3, 2])
    XCTAssertThrowsError(try y.sliced([0..<3]))
    let joined = try Tensor.concatenated([y, randomTensor([2, 2, 4], seed: 2)], alongAxis: 1)
    XCTAssertEqual(joined.shape, [2, 5, 4])
    XCTAssertEqual(Array(joined.scalars[0..<12]), Array(y.scalars[0..<12]))
    XCTAssertThrowsError(try Tensor.concatenated([y, randomTensor([3, 2, 4], seed: 3)], alongAxis: 1)) { error in
      XCTAssertEqual("\(error)", "concatenated(axis: 1): incompatible shapes [2, 3, 4] and [3, 2, 4]")
    }
    for mode in Tensor.PaddingMode.allCases {
      try checkGradients([randomTensor([2, 3, 4], seed: 4)]) { try $0[0].padded([(1, 2), (2, 1)], mode: mode) }
    }
    try checkGradients([y]) { try $0[0].sliced([0..<2, 1..<3]) }
    try checkGradients([y, randomTensor([2, 3, 2], seed: 5)]) { try Tensor.concatenated($0, alongAxis: 2) }
  }
}
