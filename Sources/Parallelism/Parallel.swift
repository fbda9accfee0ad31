import Dispatch
import Foundation
import Synchronization

/// The one parallel-for of OperatorKit, with one worker-count policy for every kernel (tensor
/// ops, SpMV, smoothers, Krylov vector updates, data generation, training shards).
///
/// - The worker count is the number of active processors unless the process configuration
///   (``ProcessConfiguration/apply(workers:)``, called once by a program at start-up) set another.
/// - A loop started on a worker of another loop runs on that worker alone (``isNested``): the
///   outer loop already uses every core, so a dataset generator solving one shard per core, or
///   the trainer running one batch shard per core, gets serial kernels inside without touching
///   any global setting.
/// - Each kernel decides how many workers its size pays for (``workers(forWork:perWorker:)``).
public enum Parallel {
  private static let configuredWorkers = Atomic<Int>(max(1, ProcessInfo.processInfo.activeProcessorCount))

  /// The number of workers of a top-level loop (at least 1).
  public static var workerCount: Int { configuredWorkers.load(ordering: .relaxed) }

  /// Sets ``workerCount``: only the process configuration calls this.
  static func setWorkerCount(_ count: Int) { configuredWorkers.store(max(1, count), ordering: .relaxed) }

  /// Whether the current thread is a worker of an enclosing parallel loop.
  @TaskLocal public static var isNested = false

  /// The workers a loop here may use: ``workerCount`` at top level, 1 inside another loop.
  public static var availableWorkers: Int { isNested ? 1 : workerCount }

  /// How many workers `work` units pay for at `perWorker` units each: between 1 and
  /// ``availableWorkers``.
  public static func workers(forWork work: Int, perWorker: Int) -> Int {
    max(1, min(availableWorkers, work / max(perWorker, 1)))
  }

  /// `body(i)` for `i` in `0..<count`, run concurrently; loops inside `body` run serially.
  /// With `count ≤ 1` or inside another loop, runs on the calling thread in order.
  public static func forEach(count: Int, _ body: (Int) -> Void) {
    if count <= 1 || isNested {
      for i in 0..<count { body(i) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let body = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: count) { i in Parallel.$isNested.withValue(true) { body.value(i) } }
    }
  }

  /// `body()` with every loop inside it on the calling thread — for work whose results must not
  /// depend on how many workers there are (a dataset's samples).
  public static func serially<T>(_ body: () throws -> T) rethrows -> T {
    try $isNested.withValue(true) { try body() }
  }

  /// `body(i)` for `i` in `0..<count`, concurrently (``forEach(count:_:)``); the results in
  /// order of `i`.
  public static func map<T>(count: Int, _ body: (Int) -> T) -> [T] {
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
      let slots = SharedPointer(slots)
      forEach(count: count) { i in slots[i] = body(i) }
    }
    return results.map { $0! }
  }

  /// `body(i)` for `i` in `0..<count`, concurrently; the results in order of `i`.
  /// - Throws: the error of the lowest `i` whose `body` threw.
  public static func map<T>(count: Int, _ body: (Int) throws -> T) throws -> [T] {
    try map(count: count) { i in Result { try body(i) } }.map { try $0.get() }
  }

  /// `body(part, range)` on `parts` contiguous ranges that cover `0..<count`, concurrently.
  public static func forEachRange(count: Int, parts: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    let parts = max(1, min(parts, count))
    if parts == 1 { return body(0, 0..<count) }
    forEach(count: parts) { w in body(w, (count * w / parts)..<(count * (w + 1) / parts)) }
  }
}

/// A value handed to parallel workers whose uses the caller keeps safe (disjoint writes,
/// captures kept alive for the loop's duration).
public struct UncheckedSendable<T>: @unchecked Sendable {
  /// The value.
  public let value: T
  /// Wraps `value`.
  public init(_ value: T) { self.value = value }
}

/// Raw memory shared by parallel workers that write disjoint parts of it (or only read).
public struct SharedPointer<T>: @unchecked Sendable {
  /// The first element.
  public let base: UnsafeMutablePointer<T>
  /// Shares `base`.
  public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
  /// Shares read-only memory (never written through).
  public init(_ base: UnsafePointer<T>) { self.base = UnsafeMutablePointer(mutating: base) }
  /// Shares a buffer (a placeholder address when it is empty).
  public init(_ buffer: UnsafeMutableBufferPointer<T>) {
    base = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)!
  }
  /// Shares a read-only buffer (a placeholder address when it is empty).
  public init(_ buffer: UnsafeBufferPointer<T>) {
    base = UnsafeMutablePointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!)
  }
  /// Element `i`.
  @inline(__always) public subscript(_ i: Int) -> T {
    get { base[i] }
    nonmutating set { base[i] = newValue }
  }
}
