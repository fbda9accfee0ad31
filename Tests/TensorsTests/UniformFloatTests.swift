import Tensors
import XCTest

/// `uniformFloat(in:)` must be the standard library's `Float.random(in:using:)` value for value,
/// so that every model keeps the initial weights its seed gave before (README figures, fixtures).
final class UniformFloatTests: XCTestCase {
  /// A generator whose stream is a counter, to reach draws near the range ends.
  struct Counter: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x0100_0000_0000_0001
      return state
    }
  }

  func testDrawsEqualTheStandardLibrarysForTheRangesModelsUse() {
    let ranges: [Range<Float>] = [0..<(1 / 400), -0.125..<0.125, Float.ulpOfOne..<1, 0..<1, -3..<(-2)]
    for seed: UInt64 in [0, 1, 12345] {
      for range in ranges {
        var (ours, theirs) = (SplitMix64(seed: seed), SplitMix64(seed: seed))
        for draw in 0..<20_000 {
          let (a, b) = (ours.uniformFloat(in: range), Float.random(in: range, using: &theirs))
          guard a == b else { return XCTFail("seed \(seed), range \(range), draw \(draw): \(a) != \(b)") }
        }
        XCTAssertEqual(ours.next(), theirs.next(), "both consumed the same number of draws")
      }
    }
  }

  func testAnUpperBoundHitByRoundingIsDrawnAgainAsTheStandardLibraryDoes() {
    // The range holds two floats, 1 and 1 + 2⁻²³ (its excluded upper bound): about half the
    // draws round onto the upper bound and must be drawn again, on both sides alike.
    var (ours, theirs) = (Counter(state: 0), Counter(state: 0))
    for _ in 0..<1000 {
      let range: Range<Float> = 1..<(1 + Float.ulpOfOne)
      XCTAssertEqual(ours.uniformFloat(in: range), Float.random(in: range, using: &theirs))
    }
    XCTAssertEqual(ours.next(), theirs.next())
  }
}
