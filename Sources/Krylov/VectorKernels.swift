import Parallelism
import Sparse

/// Level-1 kernels over raw buffers for the Krylov iterations.
///
/// Long vectors are split into one contiguous block per worker (``Parallel``); each block
/// sums with four accumulators and the block sums are added in block order, so results are
/// deterministic for a given worker count.
enum Vector {
  /// Vectors shorter than this run on the calling thread.
  static let parallelThreshold = 100_000

  static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    let n = x.count
    let (x, y) = (SharedPointer(x), SharedPointer(y))
    return blockSum(n) { range in
      var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
      var i = range.lowerBound
      while i + 4 <= range.upperBound {
        s0 += x[i] * y[i]
        s1 += x[i + 1] * y[i + 1]
        s2 += x[i + 2] * y[i + 2]
        s3 += x[i + 3] * y[i + 3]
        i += 4
      }
      while i < range.upperBound {
        s0 += x[i] * y[i]
        i += 1
      }
      return (s0 + s1) + (s2 + s3)
    }
  }

  static func norm(_ x: UnsafeBufferPointer<Double>) -> Double { dot(x, x).squareRoot() }

  /// `y ← y + a·x`.
  static func axpy(_ a: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
    let (n, x, y) = (x.count, SharedPointer(x), SharedPointer(y))
    forEachBlock(n) { range in for i in range { y[i] += a * x[i] } }
  }

  /// `p ← z + β·p`.
  static func xpby(_ z: UnsafeBufferPointer<Double>, _ beta: Double, _ p: UnsafeMutableBufferPointer<Double>) {
    let (n, z, p) = (z.count, SharedPointer(z), SharedPointer(p))
    forEachBlock(n) { range in for i in range { p[i] = z[i] + beta * p[i] } }
  }

  /// The CG update `x ← x + α p`, `r ← r − α q`; returns the new `‖r‖²`.
  static func conjugateGradientUpdate(
    _ alpha: Double, _ p: UnsafeBufferPointer<Double>, _ q: UnsafeBufferPointer<Double>,
    _ x: UnsafeMutableBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let (n, p, q, x, r) = (p.count, SharedPointer(p), SharedPointer(q), SharedPointer(x), SharedPointer(r))
    return blockSum(n) { range in
      var s = 0.0
      for i in range {
        x[i] += alpha * p[i]
        let ri = r[i] - alpha * q[i]
        r[i] = ri
        s += ri * ri
      }
      return s
    }
  }

  /// `r ← b − r` (turns `r = A x` into the residual).
  static func subtractFrom(_ b: UnsafeBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>) {
    let (n, b, r) = (b.count, SharedPointer(b), SharedPointer(r))
    forEachBlock(n) { range in for i in range { r[i] = b[i] - r[i] } }
  }

  /// Number of blocks for a vector of length `n`.
  private static func blocks(_ n: Int) -> Int { n < parallelThreshold ? 1 : Parallel.availableWorkers }

  /// Runs `body` on the blocks of `0..<n`, in parallel when there are several.
  private static func forEachBlock(_ n: Int, _ body: (Range<Int>) -> Void) {
    let count = blocks(n)
    if count == 1 { return body(0..<n) }
    Parallel.forEachRange(count: n, parts: count) { _, range in body(range) }
  }

  /// Sums `body` over the blocks of `0..<n`, adding the block sums in block order.
  private static func blockSum(_ n: Int, _ body: (Range<Int>) -> Double) -> Double {
    let count = blocks(n)
    if count == 1 { return body(0..<n) }
    var partial = [Double](repeating: 0, count: count)
    partial.withUnsafeMutableBufferPointer { partial in
      let out = SharedPointer(partial)
      Parallel.forEachRange(count: n, parts: count) { w, range in out[w] = body(range) }
    }
    return partial.reduce(0, +)
  }
}

extension UnsafeMutableBufferPointer where Element == Double {
  /// The same memory, read-only.
  @inline(__always)
  var readOnly: UnsafeBufferPointer<Double> { UnsafeBufferPointer(self) }
}
