import Dispatch
import Foundation
import Synchronization

/// How many workers the row-parallel sparse kernels (SpMV, SpGEMM, smoothers) use.
///
/// Defaults to the number of active processors; `opkit --threads N` sets it once at start-up.
/// Small problems run on the calling thread whatever the setting.
public enum SparseThreads {
  private static let storage = Atomic<Int>(ProcessInfoCores.count)

  /// The number of workers (at least 1).
  public static var workerCount: Int {
    get { storage.load(ordering: .relaxed) }
    set { storage.store(max(1, newValue), ordering: .relaxed) }
  }
}

enum ProcessInfoCores {
  static let count = max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// A raw buffer shared by parallel workers that write disjoint ranges of it.
struct SharedMutableBuffer<T>: @unchecked Sendable {
  let base: UnsafeMutablePointer<T>
  init(_ buffer: UnsafeMutableBufferPointer<T>) { base = buffer.baseAddress! }
}

/// A raw read-only buffer shared by parallel workers.
struct SharedBuffer<T>: @unchecked Sendable {
  let base: UnsafePointer<T>
  init(_ buffer: UnsafeBufferPointer<T>) { base = buffer.baseAddress! }
}

/// Runs `body(chunk, range)` over `0..<count` split into contiguous chunks, one per worker, in
/// parallel when `work` (a cost estimate, e.g. nonzeros touched) is large enough to pay for it.
func parallelChunks(count: Int, work: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
  let workers = min(SparseThreads.workerCount, max(1, work / 50_000))
  if workers <= 1 || count < 2 {
    body(0, 0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let box = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      let lo = count * w / workers, hi = count * (w + 1) / workers
      box.value(w, lo..<hi)
    }
  }
}

/// Wraps a non-Sendable value whose use across threads is made safe by the caller.
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
