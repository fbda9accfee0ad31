import Parallelism
import CFFTW

/// FFTW plans for batched real transforms, single and double precision, created once per
/// (sizes, batch, direction, precision, alignment) and reused.
///
/// FFTW's planner is not thread-safe, so planning is serialized by a lock; executing a plan is
/// thread-safe. Plans run through the new-array interface on tensor storage without copies.
/// FFTW requires new arrays to have the alignment of the planning arrays (SIMD codelets
/// depend on it), so the key includes the input's and output's alignment
/// (`fftwf_alignment_of`) and each plan is made on scratch arrays with exactly that alignment —
/// SIMD-aligned storage (the usual case) gets SIMD plans. Plans use `FFTW_MEASURE`: FFTW times
/// candidate algorithms once per key (on scratch memory), which pays back within a few
/// training steps.
enum FFTPlanCache {
  /// What a plan computes.
  struct Key: Hashable {
    let sizes: [Int]
    let batch: Int
    let forward: Bool
    /// Double (`fftw_`) rather than single (`fftwf_`) precision.
    let double: Bool
    /// `fftw_alignment_of` of the input and the output.
    let alignments: [Int32]
  }

  /// Plans kept at most; the least recently used is dropped beyond (a long run over many
  /// shapes or batch sizes must not grow the cache without bound).
  static let capacity = 64

  private static let table = Locked(PlanTable())

  /// Complex bins of one half spectrum of real size `sizes` (last axis halved to `n/2 + 1`).
  static func halfSpectrumCount(_ sizes: [Int]) -> Int { sizes.dropLast().reduce(1, *) * (sizes.last.map { $0 / 2 + 1 } ?? 0) }

  /// The single-precision plan for `batch` transforms of real size `sizes` (forward: real →
  /// half spectrum) from `input` to `output`.
  static func plan(sizes: [Int], batch: Int, forward: Bool, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>)
    -> FFTPlan
  {
    cached(
      Key(sizes: sizes, batch: batch, forward: forward, double: false, alignments: [fftwf_alignment_of(input), fftwf_alignment_of(output)]))
  }

  /// The double-precision plan, as ``plan(sizes:batch:forward:input:output:)``.
  static func plan(sizes: [Int], batch: Int, forward: Bool, input: UnsafeMutablePointer<Double>, output: UnsafeMutablePointer<Double>)
    -> FFTPlan
  {
    cached(
      Key(sizes: sizes, batch: batch, forward: forward, double: true, alignments: [fftw_alignment_of(input), fftw_alignment_of(output)]))
  }

  /// The cached plan for `key`, planned on first use. Planning (`FFTW_MEASURE` times candidate
  /// algorithms, milliseconds to seconds) runs outside the cache's lock, so lookups of other
  /// keys do not wait for it; FFTW's own planner lock serializes the planning itself. If two
  /// threads plan the same key, the first plan stored wins.
  private static func cached(_ key: Key) -> FFTPlan {
    if let plan = table.withLock({ $0.plan(for: key) }) { return plan }
    let planned = FFTWPlanner.locked { FFTPlan(key) }
    let (plan, evicted) = table.withLock { $0.insert(planned, for: key, capacity: capacity) }
    _ = evicted  // released here, outside the lock (its deinit takes the planner lock)
    return plan
  }

  /// The plans by key with their last use, for least-recently-used eviction.
  private struct PlanTable {
    var entries: [Key: (plan: FFTPlan, lastUse: Int)] = [:]
    var clock = 0

    mutating func plan(for key: Key) -> FFTPlan? {
      guard let entry = entries[key] else { return nil }
      clock += 1
      entries[key] = (entry.plan, clock)
      return entry.plan
    }

    /// Stores `plan` unless the key already has one (returned instead), dropping the least
    /// recently used plan beyond `capacity` (returned as `evicted`).
    mutating func insert(_ plan: FFTPlan, for key: Key, capacity: Int) -> (plan: FFTPlan, evicted: FFTPlan?) {
      if let existing = self.plan(for: key) { return (existing, nil) }
      var evicted: FFTPlan?
      if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
        evicted = entries.removeValue(forKey: oldest)?.plan
      }
      clock += 1
      entries[key] = (plan, clock)
      return (plan, evicted)
    }
  }
}

/// One FFTW plan (single or double precision); FFTW's resources are released with the object.
final class FFTPlan: @unchecked Sendable {
  private let single: fftwf_plan?
  private let double: fftw_plan?

  /// Plans `key.batch` contiguous transforms (called under the planner lock).
  fileprivate init(_ key: FFTPlanCache.Key) {
    if key.double {
      single = nil
      double = Self.planned(key, allocate: fftw_alloc_real, free: fftw_free) { rank, n, batch, real, complex, realDistance, complexDistance in
        key.forward
          ? fftw_plan_many_dft_r2c(rank, n, batch, real, nil, 1, realDistance, complex, nil, 1, complexDistance, UInt32(FFTW_MEASURE))
          : fftw_plan_many_dft_c2r(rank, n, batch, complex, nil, 1, complexDistance, real, nil, 1, realDistance, UInt32(FFTW_MEASURE))
      }
    } else {
      double = nil
      single = Self.planned(key, allocate: fftwf_alloc_real, free: fftwf_free) { rank, n, batch, real, complex, realDistance, complexDistance in
        key.forward
          ? fftwf_plan_many_dft_r2c(rank, n, batch, real, nil, 1, realDistance, complex, nil, 1, complexDistance, UInt32(FFTW_MEASURE))
          : fftwf_plan_many_dft_c2r(rank, n, batch, complex, nil, 1, complexDistance, real, nil, 1, realDistance, UInt32(FFTW_MEASURE))
      }
    }
  }

  /// A plan made on scratch arrays with the key's alignments (SIMD-aligned blocks shifted by
  /// those bytes): `make(rank, sizes, batch, real, complex, realDistance, complexDistance)` is
  /// the precision's r2c or c2r planner.
  private static func planned<Real, Complex>(
    _ key: FFTPlanCache.Key, allocate: (Int) -> UnsafeMutablePointer<Real>?, free: (UnsafeMutableRawPointer?) -> Void,
    make: (Int32, UnsafePointer<Int32>, Int32, UnsafeMutablePointer<Real>, UnsafeMutablePointer<Complex>, Int32, Int32) -> OpaquePointer?
  ) -> OpaquePointer {
    let n = key.sizes.map { Int32($0) }
    let (realCount, complexCount) = (key.sizes.reduce(1, *), FFTPlanCache.halfSpectrumCount(key.sizes))
    let width = MemoryLayout<Real>.size
    let (inputOffset, outputOffset) = (Int(key.alignments[0]) / width, Int(key.alignments[1]) / width)
    let realOffset = key.forward ? inputOffset : outputOffset, complexOffset = key.forward ? outputOffset : inputOffset
    let realBlock = allocate(realCount * key.batch + 16)!, complexBlock = allocate(2 * complexCount * key.batch + 16)!
    defer {
      free(realBlock)
      free(complexBlock)
    }
    let complex = UnsafeMutableRawPointer(complexBlock + complexOffset).assumingMemoryBound(to: Complex.self)
    return n.withUnsafeBufferPointer { n in
      make(Int32(n.count), n.baseAddress!, Int32(key.batch), realBlock + realOffset, complex, Int32(realCount), Int32(complexCount))
    }!
  }

  deinit {
    FFTWPlanner.locked {
      if let single { fftwf_destroy_plan(single) }
      if let double { fftw_destroy_plan(double) }
    }
  }

  /// Forward: `input` real → `output` interleaved complex.
  func executeForward(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
    output.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_r2c(single, input, $0) }
  }

  /// Inverse (unnormalized): `input` interleaved complex (overwritten by FFTW) → `output` real.
  func executeInverse(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
    input.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_c2r(single, $0, output) }
  }

  /// Forward in double precision.
  func executeForward(_ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<Double>) {
    output.withMemoryRebound(to: fftw_complex.self, capacity: 1) { fftw_execute_dft_r2c(double, input, $0) }
  }

  /// Inverse (unnormalized) in double precision; `input` is overwritten.
  func executeInverse(_ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<Double>) {
    input.withMemoryRebound(to: fftw_complex.self, capacity: 1) { fftw_execute_dft_c2r(double, $0, output) }
  }
}

/// Serializes calls into FFTW's planner (plan creation and destruction), which is not
/// thread-safe; plan execution needs no lock.
enum FFTWPlanner {
  private static let lock = Locked<Void>(())

  /// Runs `body` while holding the planner lock.
  static func locked<R>(_ body: () -> R) -> R { lock.withLock { _ in body() } }
}
