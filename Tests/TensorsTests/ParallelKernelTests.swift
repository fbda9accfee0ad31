import Foundation
import TestSupport
import XCTest

@testable import Tensors

/// The parallel, vectorized kernels against plain serial definitions, on tensors large enough
/// to be split among workers.
final class ParallelKernelTests: XCTestCase {
  func testFastErfAndExpMatchLibm() {
    var worstErf: Float = 0, worstExp: Float = 0
    for i in -60_000...60_000 {
      let x = Float(i) / 10_000  // [-6, 6]
      worstErf = max(worstErf, abs(fastErf(x) - Foundation.erf(x)))
      let e = -Float(i < 0 ? -i : i) / 600  // [-100, 0]
      let reference = Foundation.exp(e)
      worstExp = max(worstExp, reference > 1e-30 ? abs(fastExp(e) - reference) / reference : abs(fastExp(e)))
    }
    XCTAssertLessThan(worstErf, 4e-7)
    XCTAssertLessThan(worstExp, 3e-7)
    XCTAssertEqual(fastExp(-200), 0)
    XCTAssertEqual(fastExp(0), 1, accuracy: 1e-7)
  }

  func testInPlaceGELUEqualsGELUAndLeavesSharedStorageAlone() throws {
    let x = randomTensor([6, 16, 24, 40], seed: 7)  // split among workers
    var inPlace = x  // shares x's storage until written
    inPlace.formGELU()
    XCTAssertEqual(inPlace, x.gelu())
    XCTAssertEqual(x, randomTensor([6, 16, 24, 40], seed: 7), "formGELU wrote into storage another value shares")
    // Under a tape it records like gelu(): the gradient is GELU's derivative.
    let tape = GradientTape()
    let (viaForm, viaGELU) = try tape.record {
      let watched = tape.watch(x)
      var y = watched
      y.formGELU()
      return (
        try tape.gradients(of: y.sum(), withRespectTo: [watched])[0], try tape.gradients(of: watched.gelu().sum(), withRespectTo: [watched])[0]
      )
    }
    XCTAssertEqual(viaForm, viaGELU)
    XCTAssertNotEqual(viaForm, Tensor(repeating: 1, shape: x.shape))
  }

  func testLargeElementwiseAndBroadcastOpsMatchSerialDefinitions() throws {
    let x = randomTensor([6, 16, 24, 40], seed: 1)  // 92,160 elements: split among workers
    let bias = randomTensor([1, 16, 1, 1], seed: 2)
    let row = randomTensor([40], seed: 3)
    let sum = try x + bias
    let product = try x * row
    let gelu = x.gelu()
    for k in stride(from: 0, to: x.count, by: 997) {
      let channel = (k / (24 * 40)) % 16
      XCTAssertEqual(sum.scalars[k], x.scalars[k] + bias.scalars[channel])
      XCTAssertEqual(product.scalars[k], x.scalars[k] * row.scalars[k % 40])
      let v = Double(x.scalars[k])
      XCTAssertEqual(Double(gelu.scalars[k]), 0.5 * v * (1 + erf(v / 2.0.squareRoot())), accuracy: 1e-6)
    }
    // The bias gradient sums over batch and space.
    let tape = GradientTape()
    let gradient = try tape.record {
      let b = tape.watch(bias)
      return try tape.gradients(of: (x + b).sum(), withRespectTo: [b])[0]
    }
    XCTAssertEqual(gradient.shape, [1, 16, 1, 1])
    XCTAssertEqual(gradient.scalars, Array(repeating: Float(6 * 24 * 40), count: 16))
    let sums = try x.summed(alongAxes: [0, 2, 3])
    for c in 0..<16 {
      var reference = 0.0
      for b in 0..<6 { for s in 0..<(24 * 40) { reference += Double(x.scalars[(b * 16 + c) * 960 + s]) } }
      XCTAssertEqual(Double(sums.scalars[c]), reference, accuracy: 1e-3)
    }
  }

  func testLargeMatmulsSplitAmongWorkersMatchTheDefinition() throws {
    for (m, k, n) in [(300, 64, 40), (8, 200, 700)] {  // split by rows, then by columns
      let a = randomTensor([m, k], seed: UInt64(m)), b = randomTensor([k, n], seed: UInt64(n))
      let c = try a.matmul(b)
      for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3), (m / 3, n - 1)] {
        let reference = (0..<k).reduce(0.0) { $0 + Double(a.scalars[i * k + $1]) * Double(b.scalars[$1 * n + j]) }
        XCTAssertEqual(Double(c.scalars[i * n + j]), reference, accuracy: 1e-4)
      }
    }
  }
}
