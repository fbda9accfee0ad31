import CBLAS
import Dispatch
import Foundation
import Synchronization

/// How many workers the tensor kernels (elementwise maps, GEMMs, spectral contractions) use.
///
/// Tensors runs its own parallel loops and keeps OpenBLAS single-threaded: OpenBLAS's idle
/// workers spin (`sched_yield`) between calls, which on a small machine steals the cores the
/// next kernel wants. Large GEMMs are split into row or column blocks, one per worker, instead.
/// Defaults to the number of active processors; `opkit --threads N` sets it once at start-up.
public enum TensorThreads {
  private static let storage = Atomic<Int>(max(1, ProcessInfo.processInfo.activeProcessorCount))

  /// The number of workers (at least 1).
  public static var workerCount: Int {
    get { storage.load(ordering: .relaxed) }
    set { storage.store(max(1, newValue), ordering: .relaxed) }
  }

  /// Whether the current thread is one worker of a ``concurrentMap(count:_:)``: tensor kernels
  /// then run on it alone, so the workers do not oversubscribe the cores.
  @TaskLocal static var isWorker = false

  /// `body(i)` for `i` in `0..<count`, run concurrently (one worker each, up to
  /// ``workerCount`` at a time); inside `body`, tensor kernels are single-threaded. Results come
  /// back in order of `i`. Used for data parallelism: a batch split into shards whose forward
  /// and backward passes run side by side.
  /// - Throws: the error of the lowest `i` whose `body` threw.
  public static func concurrentMap<T>(count: Int, _ body: (Int) throws -> T) throws -> [T] {
    try concurrentMap(count: count) { i in Result { try body(i) } }.map { try $0.get() }
  }

  /// `body(i)` for `i` in `0..<count`, run concurrently, for bodies that cannot fail (see the
  /// throwing overload).
  public static func concurrentMap<T>(count: Int, _ body: (Int) -> T) -> [T] {
    if count <= 1 || workerCount <= 1 || isWorker { return (0..<count).map(body) }
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
      let slots = UncheckedSendableBox(slots.baseAddress!)
      withoutActuallyEscaping(body) { body in
        let body = UncheckedSendableBox(body)
        DispatchQueue.concurrentPerform(iterations: count) { i in
          slots.value[i] = TensorThreads.$isWorker.withValue(true) { body.value(i) }
        }
      }
    }
    return results.map { $0! }
  }

  /// Runs `body` over `0..<count` split into contiguous ranges, one per worker, in parallel
  /// when there are at least `grain` elements per worker (for kernels outside this module,
  /// such as optimizer updates).
  public static func forEachRange(count: Int, grain: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
    parallelRanges(count: count, grain: grain, body)
  }

  /// Configures the process once for tensor work: OpenBLAS on one thread (parallelism is
  /// ours), and glibc's allocator told to keep freed blocks instead of returning every large
  /// one to the kernel, so the multi-megabyte activations of a training step reuse memory
  /// rather than page-faulting fresh zeroed pages on every allocation.
  static let configured: Void = {
    openblas_set_num_threads(1)
    #if os(Linux)
      _ = glibcMallopt(-3, 1 << 30)  // M_MMAP_THRESHOLD: heap, not mmap, below 1 GiB
      _ = glibcMallopt(-1, Int32.max)  // M_TRIM_THRESHOLD: never trim the heap top
    #endif
  }()
}

#if os(Linux)
  /// glibc's `mallopt(3)` (declared in `malloc.h`, which the Glibc module does not export).
  @_silgen_name("mallopt")
  private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Runs `body` over `0..<count` split into contiguous ranges, one per worker, in parallel when
/// there are at least `grain` elements per worker; otherwise on the calling thread.
@inline(__always)
func parallelRanges(count: Int, grain: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
  let workers = TensorThreads.isWorker ? 1 : min(TensorThreads.workerCount, count / Swift.max(grain, 1))
  if workers <= 1 {
    body(0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let shared = UncheckedSendableBox(body)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      shared.value(count * w / workers..<count * (w + 1) / workers)
    }
  }
}

/// A value handed to parallel workers whose accesses the caller keeps disjoint.
struct UncheckedSendableBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// A raw pointer handed to parallel workers that touch disjoint parts of its memory.
struct SharedPointer<T>: @unchecked Sendable {
  let base: UnsafeMutablePointer<T>
  init(_ base: UnsafeMutablePointer<T>) { self.base = base }
  init(_ base: UnsafePointer<T>) { self.base = UnsafeMutablePointer(mutating: base) }
}

extension Array where Element == Float {
  /// `count` elements written by `body(destination, range)` over parallel ranges; every element
  /// must be written (the storage starts uninitialized).
  @inline(__always)
  static func parallelFilled(count: Int, grain: Int = 1 << 15, _ body: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 {
        let out = SharedPointer(buffer.baseAddress!)
        parallelRanges(count: count, grain: grain) { range in body(out.base, range) }
      }
      initialized = count
    }
  }
}
