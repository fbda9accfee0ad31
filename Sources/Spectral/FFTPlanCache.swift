import CFFTW
import Synchronization

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

  private static let plans = Mutex<[Key: FFTPlan]>([:])

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

  private static func cached(_ key: Key) -> FFTPlan {
    plans.withLock { cache in
      if let plan = cache[key] { return plan }
      let plan = FFTWPlanner.locked { FFTPlan(key) }
      cache[key] = plan
      return plan
    }
  }
}

/// One FFTW plan (single or double precision); FFTW's resources are released with the object.
final class FFTPlan: @unchecked Sendable {
  private let single: fftwf_plan?
  private let double: fftw_plan?

  /// Plans `key.batch` contiguous transforms (called under the cache's lock).
  fileprivate init(_ key: FFTPlanCache.Key) {
    let n = key.sizes.map { Int32($0) }
    let (realCount, complexCount) = (key.sizes.reduce(1, *), FFTPlanCache.halfSpectrumCount(key.sizes))
    // Scratch arrays with the key's alignments: SIMD-aligned blocks shifted by those bytes.
    let width = key.double ? 8 : 4
    let (inputOffset, outputOffset) = (Int(key.alignments[0]) / width, Int(key.alignments[1]) / width)
    let realOffset = key.forward ? inputOffset : outputOffset, complexOffset = key.forward ? outputOffset : inputOffset
    let flags = UInt32(FFTW_MEASURE)
    let (batch, realDistance, complexDistance) = (Int32(key.batch), Int32(realCount), Int32(complexCount))
    if key.double {
      let realBlock = fftw_alloc_real(realCount * key.batch + 16)!, complexBlock = fftw_alloc_real(2 * complexCount * key.batch + 16)!
      defer {
        fftw_free(realBlock)
        fftw_free(complexBlock)
      }
      let (real, complex) = (realBlock + realOffset, OpaquePointer(complexBlock + complexOffset))
      single = nil
      double = n.withUnsafeBufferPointer { n in
        key.forward
          ? fftw_plan_many_dft_r2c(
            Int32(n.count), n.baseAddress, batch, real, nil, 1, realDistance, UnsafeMutablePointer(complex), nil, 1, complexDistance, flags)
          : fftw_plan_many_dft_c2r(
            Int32(n.count), n.baseAddress, batch, UnsafeMutablePointer(complex), nil, 1, complexDistance, real, nil, 1, realDistance, flags)
      }!
    } else {
      let realBlock = fftwf_alloc_real(realCount * key.batch + 16)!, complexBlock = fftwf_alloc_real(2 * complexCount * key.batch + 16)!
      defer {
        fftwf_free(realBlock)
        fftwf_free(complexBlock)
      }
      let (real, complex) = (realBlock + realOffset, OpaquePointer(complexBlock + complexOffset))
      double = nil
      single = n.withUnsafeBufferPointer { n in
        key.forward
          ? fftwf_plan_many_dft_r2c(
            Int32(n.count), n.baseAddress, batch, real, nil, 1, realDistance, UnsafeMutablePointer(complex), nil, 1, complexDistance, flags)
          : fftwf_plan_many_dft_c2r(
            Int32(n.count), n.baseAddress, batch, UnsafeMutablePointer(complex), nil, 1, complexDistance, real, nil, 1, realDistance, flags)
      }!
    }
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
  private static let lock = Mutex<Void>(())

  /// Runs `body` while holding the planner lock.
  static func locked<R>(_ body: () -> R) -> R { lock.withLock { _ in body() } }
}
