import CBLAS

/// Process set-up for the small dense LAPACK calls of the recycling solvers (eigenproblems and
/// factorizations of order ≤ 100 per cycle or per solve): OpenBLAS on one thread. Its worker
/// threads would otherwise wake for each tiny call and spin (`sched_yield`) against the
/// threads that already run solves in parallel — a fifth of a data-generation run's time.
/// The tensor core makes the same choice (`TensorThreads`).
enum SmallDenseKernels {
  /// Evaluated once, by the first recycling solver created.
  static let configured: Void = { openblas_set_num_threads(1) }()
}
