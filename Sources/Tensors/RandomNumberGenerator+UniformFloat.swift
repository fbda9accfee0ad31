extension RandomNumberGenerator {
  /// A `Float` uniform in `range`: the value `Float.random(in: range, using: &self)` returns from
  /// the same state (the low 24 bits of one `next()` scaled by 2⁻²⁴ onto the range, drawn again
  /// when rounding lands on the upper bound), with concrete integer types throughout. Called from
  /// code generic over the generator — every model's `init(_:using:)` — the standard library's
  /// version runs unspecialized generic integer code, which made building a 2.4M-parameter FNO
  /// take most of `opkit predict`'s start-up.
  @inlinable
  public mutating func uniformFloat(in range: Range<Float>) -> Float {
    precondition(!range.isEmpty, "an empty range has no uniform value")
    let delta = range.upperBound - range.lowerBound
    while true {
      let bits = UInt32(truncatingIfNeeded: next()) & 0xFF_FFFF
      let value = delta * (Float(bits) * 0x1p-24) + range.lowerBound
      if value != range.upperBound { return value }
    }
  }
}
