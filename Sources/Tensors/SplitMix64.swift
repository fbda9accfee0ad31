/// A small, fast, seedable random number generator (SplitMix64), for reproducible weight
/// initialization and data sampling: the same seed gives the same stream on every platform.
///
/// References: Steele, Lea, Flood 2014, "Fast splittable pseudorandom number generators";
/// Vigna's public-domain `splitmix64.c`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator whose stream is determined by `seed`.
  public init(seed: UInt64) { state = seed }

  /// Stream `index` of `seed`: a generator whose starting state hashes `seed` and `index`, so
  /// the streams of neighbouring indices share no draws. (Seeding with `seed + index·γ`, where
  /// `γ` is the generator's own increment, would not: stream `i + 1` would be stream `i`
  /// shifted by one draw.) For per-epoch shuffles and other per-index randomness.
  public init(seed: UInt64, stream index: UInt64) {
    state = SplitMix64.mix(SplitMix64.mix(seed) &+ index &* 0x9E37_79B9_7F4A_7C15)
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(state)
  }

  /// SplitMix64's output function: a bijective 64-bit hash (Stafford's "Mix13" variant).
  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
