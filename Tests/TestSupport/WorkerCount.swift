import Parallelism

/// `body()` with the process configured for `workers` parallel workers, the previous count
/// restored after — for tests that compare results across worker counts.
public func withWorkerCount<T>(_ workers: Int, _ body: () throws -> T) rethrows -> T {
  let saved = Parallel.workerCount
  ProcessConfiguration.apply(workers: workers)
  defer { ProcessConfiguration.apply(workers: saved) }
  return try body()
}
