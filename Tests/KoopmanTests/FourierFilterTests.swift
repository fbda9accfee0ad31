import Foundation
import Koopman
import Tensors
import TestSupport
import XCTest

final class FourierFilterTests: XCTestCase {
  /// Windows that all carry the same sinusoid (bin 3 of 16) plus a level, with small noise: the
  /// fitted filter keeps exactly those bins, the invariant part is the sinusoid and the level,
  /// the variant part the noise; the two parts add up to the input.
  func testFindsTheSharedFrequenciesAndSplitsExactly() throws {
    let (n, l) = (64, 32)
    var g = SeededGenerator(seed: 1)
    var values = [Float](), clean = [Float]()
    for i in 0..<n {
      for t in 0..<l {
        let s = Float(2 + sin(2 * Double.pi * 3 * Double(t + i) / Double(l)))
        clean.append(s)
        values.append(s + Float.random(in: -0.05...0.05, using: &g))
      }
    }
    let x = try Tensor(shape: [n, l, 1], scalars: values)
    let filter = try FourierFilter(fitting: x, fraction: 2.0 / 17.0)
    XCTAssertEqual(Set(filter.invariantFrequencies), [0, 3])
    let (invariant, variant) = try filter(x)
    let leftover = zip(invariant.scalars, clean).map { abs($0 - $1) }.max()!
    XCTAssertLessThan(leftover, 0.05, "the invariant part is the clean signal up to the noise in its bins")
    let sum = try invariant + variant
    XCTAssertLessThan(zip(sum.scalars, x.scalars).map { abs($0 - $1) }.max()!, 1e-5)
  }

  func testTheSplitIsDifferentiable() throws {
    let filter = FourierFilter(length: 8, invariantFrequencies: [0, 2])
    try checkGradients([randomTensor([2, 8, 3], seed: 2)]) { try filter($0[0]).invariant }
    try checkGradients([randomTensor([2, 8, 3], seed: 3)]) { try filter($0[0]).variant }
    XCTAssertThrowsError(try filter(randomTensor([2, 7, 3], seed: 4)))
  }
}
