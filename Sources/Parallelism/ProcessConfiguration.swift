import CBLAS

/// The one place OperatorKit changes process-wide settings; programs (the `opkit` CLI, the
/// examples, benchmarks) call ``apply(workers:)`` once at start-up, library code never does.
public enum ProcessConfiguration {
  /// Configures the process for OperatorKit's numerics:
  /// - `workers` parallel workers for every kernel (``Parallel/workerCount``; default: the
  ///   active processors);
  /// - OpenBLAS on one thread: our loops are the parallelism, and OpenBLAS's idle workers spin
  ///   (`sched_yield`) between calls, stealing the cores the next kernel wants (a fifth of a
  ///   data-generation run);
  /// - glibc's allocator keeps freed blocks instead of returning every large one to the kernel,
  ///   so the multi-megabyte activations of a training step reuse memory rather than
  ///   page-faulting fresh zeroed pages on every allocation: blocks up to 32 MiB (the largest
  ///   threshold glibc documents) come from the heap, the heap top is never trimmed, and every
  ///   heap grows and shrinks with 64 MiB of slack. The slack is what the worker threads'
  ///   arenas needed: without it they released and re-faulted their top on nearly every step
  ///   (1.3 million page faults in two FNO-1D epochs on Burgers, a quarter of their time;
  ///   60,000–92,000 with it).
  public static func apply(workers: Int? = nil) {
    if let workers { Parallel.setWorkerCount(workers) }
    openblas_set_num_threads(1)
    #if os(Linux)
      _ = glibcMallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD: heap, not mmap, up to 32 MiB
      _ = glibcMallopt(-1, Int32.max)  // M_TRIM_THRESHOLD: never trim the main heap's top
      _ = glibcMallopt(-2, 64 << 20)  // M_TOP_PAD: 64 MiB of slack on every heap, threads' too
    #endif
  }
}

#if os(Linux)
  /// glibc's `mallopt(3)` (declared in `malloc.h`, which the Glibc module does not export).
  @_silgen_name("mallopt")
  private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
