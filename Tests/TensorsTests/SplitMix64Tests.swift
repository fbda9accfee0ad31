import Tensors
import XCTest

/// SplitMix64's seeding: the plain generator matches the reference `splitmix64.c`, and the
/// streams of neighbouring indices share no draws.
final class SplitMix64Tests: XCTestCase {
  /// The first outputs for seed 0 are those of Vigna's `splitmix64.c`.
  func testMatchesReferenceOutputs() {
    var g = SplitMix64(seed: 0)
    XCTAssertEqual((0..<3).map { _ in g.next() }, [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
  }

  /// Streams `i` and `i + 1` of a seed, and the same index under seeds 0 and 1, have no draw in
  /// common among their first thousand — unlike `SplitMix64(seed: seed + i·γ)`, whose stream
  /// `i + 1` repeats stream `i` one draw later.
  func testNeighbouringStreamsShareNoDraws() {
    func draws(_ g: SplitMix64) -> Set<UInt64> {
      var g = g
      return Set((0..<1000).map { _ in g.next() })
    }
    for index: UInt64 in [0, 1, 7] {
      XCTAssertTrue(draws(SplitMix64(seed: 3, stream: index)).isDisjoint(with: draws(SplitMix64(seed: 3, stream: index + 1))))
      XCTAssertTrue(draws(SplitMix64(seed: 0, stream: index)).isDisjoint(with: draws(SplitMix64(seed: 1, stream: index))))
    }
    let offset = { (i: UInt64) in SplitMix64(seed: 3 &+ i &* 0x9E37_79B9_7F4A_7C15) }
    XCTAssertEqual(draws(offset(0)).intersection(draws(offset(1))).count, 999, "the offset seeding this replaces")
  }
}
