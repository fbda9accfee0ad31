import Parallelism

extension Array where Element == Float {
  /// `count` elements written by `body(destination, range)` over contiguous ranges of at least
  /// `grain` elements, one per worker (``Parallel``); every element must be written (the
  /// storage starts uninitialized).
  @inline(__always)
  static func parallelFilled(count: Int, grain: Int = 1 << 15, _ body: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 {
        let out = SharedPointer(buffer.baseAddress!)
        Parallel.forEachRange(count: count, parts: Parallel.workers(forWork: count, perWorker: grain)) { _, range in body(out.base, range) }
      }
      initialized = count
    }
  }
}
