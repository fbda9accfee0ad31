/// Level-1 kernels over raw buffers for the Krylov iterations (serial, four accumulators so the
/// reductions pipeline; deterministic order).
enum Vector {
  @inline(__always)
  static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    let n = x.count
    var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
    var i = 0
    while i + 4 <= n {
      s0 += x[i] * y[i]
      s1 += x[i + 1] * y[i + 1]
      s2 += x[i + 2] * y[i + 2]
      s3 += x[i + 3] * y[i + 3]
      i += 4
    }
    while i < n {
      s0 += x[i] * y[i]
      i += 1
    }
    return (s0 + s1) + (s2 + s3)
  }

  @inline(__always)
  static func norm(_ x: UnsafeBufferPointer<Double>) -> Double { dot(x, x).squareRoot() }

  /// `y ← y + a·x`.
  @inline(__always)
  static func axpy(_ a: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
    for i in 0..<x.count { y[i] += a * x[i] }
  }

  /// `r ← b − r` (turns `r = A x` into the residual).
  @inline(__always)
  static func subtractFrom(_ b: UnsafeBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>) {
    for i in 0..<b.count { r[i] = b[i] - r[i] }
  }
}

extension UnsafeMutableBufferPointer where Element == Double {
  /// The same memory, read-only.
  @inline(__always)
  var readOnly: UnsafeBufferPointer<Double> { UnsafeBufferPointer(self) }
}
