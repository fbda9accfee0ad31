/// Branch-free `Float` approximations of `erf` and `exp` that the compiler can vectorize, for
/// elementwise kernels where libm's scalar calls dominate (GELU and its derivative).

/// `erf x` to within 4e-7 absolute: `x·P(x²)/Q(x²)` with a (7, 5)-term rational fit on
/// `[0, 4]` (least squares on Chebyshev nodes, refined by Sanathanan–Koerner reweighting), `x`
/// clamped to `[−4, 4]` where `|1 − erf x| < 2e-8`.
@inline(__always)
func fastErf(_ x: Float) -> Float {
  let c = Swift.min(Swift.max(x, -4), 4)
  let t = c * c
  var p: Float = 1.909_886_3e-8
  p = p * t - 1.921_963_8e-6
  p = p * t + 1.433_735_9e-4
  p = p * t + 3.840_202_0e-3
  p = p * t + 5.105_803_5e-2
  p = p * t + 2.037_016_0e-1
  p = p * t + 1.128_379_1
  var q: Float = 9.836_546_4e-4
  q = q * t + 1.465_701_9e-2
  q = q * t + 1.165_428_5e-1
  q = q * t + 5.138_579_0e-1
  q = q * t + 1
  return Swift.min(Swift.max(c * p / q, -1), 1)
}

/// `eˣ` to within 2e-7 relative for `x ≥ −87` (0 below): `2^k · e^r` with `k` the nearest
/// integer to `x·log₂e`, `r = x − k ln 2` reduced in two steps (Cody–Waite: `ln 2` split into a
/// short high part and a correction, so `k·ln2_hi` is exact), `e^r` (`|r| ≤ 0.35`) by its
/// degree-6 Taylor polynomial, and `2^k` built in the exponent bits. Arguments above 88
/// saturate at `e⁸⁸`.
@inline(__always)
func fastExp(_ x: Float) -> Float {
  let clamped = Swift.min(Swift.max(x, -87), 88)
  // Round to nearest by adding 1.5·2²³ (exact for |y| < 2²²): the sum's low mantissa bits are
  // then k + 2²², read without a (trapping) float-to-integer conversion.
  let shifted = clamped * 1.442_695_04 + 12_582_912
  let k = shifted - 12_582_912
  let kBits = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
  let r = (clamped - k * 0.693_145_751_953_125) - k * 1.428_606_765_330_187e-6
  var p: Float = 1.0 / 720
  p = p * r + 1.0 / 120
  p = p * r + 1.0 / 24
  p = p * r + 1.0 / 6
  p = p * r + 0.5
  p = p * r + 1
  p = p * r + 1
  let scale = Float(bitPattern: UInt32(bitPattern: (kBits &+ 127) &<< 23))
  return x < -87 ? 0 : p * scale
}
