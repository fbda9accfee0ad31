import Tensors
import TestSupport
import XCTest

final class LinearAlgebraTests: XCTestCase {
  /// A well-conditioned batch of square matrices: random plus a multiple of the identity.
  private func wellConditioned(_ batch: Int, _ n: Int, seed: UInt64) throws -> Tensor {
    let eye = try Tensor(shape: [n, n], scalars: (0..<(n * n)).map { $0 % (n + 1) == 0 ? 3 : 0 })
    return try randomTensor([batch, n, n], seed: seed) + eye
  }

  func testSolveAndLeastSquaresAreCorrect() throws {
    let a = try wellConditioned(2, 4, seed: 1), b = randomTensor([2, 4, 3], seed: 2)
    let x = try Tensor.solve(a, b)
    for (u, v) in zip(try a.matmul(x).scalars, b.scalars) { XCTAssertEqual(u, v, accuracy: 1e-5) }
    // An exactly consistent overdetermined system is solved exactly.
    let tall = randomTensor([6, 3], seed: 3), truth = randomTensor([3, 2], seed: 4)
    let fit = try Tensor.leastSquares(tall, tall.matmul(truth))
    for (u, v) in zip(fit.scalars, truth.scalars) { XCTAssertEqual(u, v, accuracy: 1e-4) }
    XCTAssertThrowsError(try Tensor.solve(Tensor(zeros: [2, 2]), Tensor(zeros: [2, 1]))) { error in
      XCTAssertTrue("\(error)".contains("singular"), "\(error)")
    }
  }

  func testGradientsThroughSolveAndLeastSquares() throws {
    try checkGradients([try wellConditioned(2, 3, seed: 5), randomTensor([2, 3, 2], seed: 6)], epsilon: 5e-3) {
      try Tensor.solve($0[0], $0[1])
    }
    try checkGradients([randomTensor([7, 3], seed: 7), randomTensor([7, 2], seed: 8)], epsilon: 5e-3, tolerance: 2e-2) {
      try Tensor.leastSquares($0[0], $0[1], ridge: 0.1)
    }
  }

  func testNonFiniteOperandsAreNamed() throws {
    let bad = try Tensor(shape: [2, 2], scalars: [1, .infinity, 0, 1])
    XCTAssertThrowsError(try bad.matmul(Tensor(zeros: [2, 2]))) { error in
      XCTAssertEqual("\(error)", "matmul (left operand [2, 2]): non-finite value inf at index [0, 1]")
    }
    XCTAssertThrowsError(try Tensor(zeros: [1, 1, 4, 4]).convolved(with: bad.reshaped(to: [1, 1, 2, 2]))) { error in
      XCTAssertTrue("\(error)".hasPrefix("convolved (weight [1, 1, 2, 2]): non-finite value inf"), "\(error)")
    }
  }
}
