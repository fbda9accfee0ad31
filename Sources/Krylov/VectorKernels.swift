import Dispatch
import Sparse

/// Level-1 kernels over raw buffers for the Krylov iterations.
///
/// Long vectors are split into one contiguous block per worker (``SparseThreads``); each block
/// sums with four accumulators and the block sums are added in block order, so results are
/// deterministic for a given worker count.
enum Vector {
  /// Vectors shorter than this run on the calling thread.
  static let parallelThreshold = 100_000

  static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    let (x, y) = (ReadBuffer(x), ReadBuffer(y))
    return blockSum(x.count) { range in
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
    let (x, y) = (ReadBuffer(x), WriteBuffer(y))
    forEachBlock(x.count) { range in for i in range { y[i] += a * x[i] } }
  }

  /// `p ← z + β·p`.
  static func xpby(_ z: UnsafeBufferPointer<Double>, _ beta: Double, _ p: UnsafeMutableBufferPointer<Double>) {
    let (z, p) = (ReadBuffer(z), WriteBuffer(p))
    forEachBlock(z.count) { range in for i in range { p[i] = z[i] + beta * p[i] } }
  }

  /// The CG update `x ← x + α p`, `r ← r − α q`; returns the new `‖r‖²`.
  static func conjugateGradientUpdate(
    _ alpha: Double, _ p: UnsafeBufferPointer<Double>, _ q: UnsafeBufferPointer<Double>,
    _ x: UnsafeMutableBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let (p, q, x, r) = (ReadBuffer(p), ReadBuffer(q), WriteBuffer(x), WriteBuffer(r))
    return blockSum(p.count) { range in
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
    let (b, r) = (ReadBuffer(b), WriteBuffer(r))
    forEachBlock(b.count) { range in for i in range { r[i] = b[i] - r[i] } }
  }

  /// Number of blocks for a vector of length `n`.
  private static func blocks(_ n: Int) -> Int { n < parallelThreshold ? 1 : SparseThreads.workerCount }

  /// Runs `body` on the blocks of `0..<n`, in parallel when there are several.
  private static func forEachBlock(_ n: Int, _ body: (Range<Int>) -> Void) {
    let count = blocks(n)
    if count == 1 { return body(0..<n) }
    inParallel(count) { w in body((n * w / count)..<(n * (w + 1) / count)) }
  }

  /// Sums `body` over the blocks of `0..<n`, adding the block sums in block order.
  private static func blockSum(_ n: Int, _ body: (Range<Int>) -> Double) -> Double {
    let count = blocks(n)
    if count == 1 { return body(0..<n) }
    var partial = [Double](repeating: 0, count: count)
    partial.withUnsafeMutableBufferPointer { partial in
      let out = WriteBuffer(partial)
      inParallel(count) { w in out[w] = body((n * w / count)..<(n * (w + 1) / count)) }
    }
    return partial.reduce(0, +)
  }

  /// `body(0) … body(count − 1)` on the worker threads.
  private static func inParallel(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
      let body = UncheckedBox(body)
      DispatchQueue.concurrentPerform(iterations: count) { body.value($0) }
    }
  }
}

/// Read-only raw storage shared by the workers of one kernel.
private struct ReadBuffer: @unchecked Sendable {
  let base: UnsafePointer<Double>
  let count: Int
  init(_ b: UnsafeBufferPointer<Double>) {
    base = b.baseAddress ?? UnsafePointer(bitPattern: 8)!
    count = b.count
  }
  @inline(__always) subscript(_ i: Int) -> Double { base[i] }
}

/// Raw storage written in disjoint blocks by the workers of one kernel.
private struct WriteBuffer: @unchecked Sendable {
  let base: UnsafeMutablePointer<Double>
  init(_ b: UnsafeMutableBufferPointer<Double>) { base = b.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)! }
  @inline(__always) subscript(_ i: Int) -> Double {
    get { base[i] }
    nonmutating set { base[i] = newValue }
  }
}

/// A closure shared with the workers of one kernel; the kernel keeps its captures alive.
private struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

extension UnsafeMutableBufferPointer where Element == Double {
  /// The same memory, read-only.
  @inline(__always)
  var readOnly: UnsafeBufferPointer<Double> { UnsafeBufferPointer(self) }
}
