import CFFTW
import Synchronization

/// FFTW single-precision plans for batched real transforms, created once per (sizes, batch,
/// direction) and reused.
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
    /// `fftwf_alignment_of` of the input and the output.
    let alignments: [Int32]
  }

  private static let plans = Mutex<[Key: FFTPlan]>([:])

  /// The plan for `batch` transforms of real size `sizes` (forward: real → half spectrum) from
  /// `input` to `output`.
  static func plan(sizes: [Int], batch: Int, forward: Bool, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>)
    -> FFTPlan
  {
    let alignments = [fftwf_alignment_of(input), fftwf_alignment_of(output)]
    let key = Key(sizes: sizes, batch: batch, forward: forward, alignments: alignments)
    return plans.withLock { cache in
      if let plan = cache[key] { return plan }
      let plan = FFTWPlanner.locked { FFTPlan(key) }
      cache[key] = plan
      return plan
    }
  }
}

/// One FFTW plan; FFTW's resources are released with the object.
final class FFTPlan: @unchecked Sendable {
  let handle: fftwf_plan
  /// Real elements per transform.
  let realCount: Int
  /// Complex elements per transform (last axis halved: `n/2 + 1`).
  let complexCount: Int

  /// Plans `key.batch` contiguous transforms (called under the cache's lock).
  fileprivate init(_ key: FFTPlanCache.Key) {
    let n = key.sizes.map { Int32($0) }
    let realCount = key.sizes.reduce(1, *)
    let complexCount = key.sizes.dropLast().reduce(1, *) * (key.sizes.last! / 2 + 1)
    self.realCount = realCount
    self.complexCount = complexCount
    // Scratch arrays with the key's alignments: SIMD-aligned blocks shifted by those bytes.
    let (inputOffset, outputOffset) = (Int(key.alignments[0]) / 4, Int(key.alignments[1]) / 4)
    let realOffset = key.forward ? inputOffset : outputOffset, complexOffset = key.forward ? outputOffset : inputOffset
    let realBlock = fftwf_alloc_real(realCount * key.batch + 16)!
    let complexBlock = fftwf_alloc_real(2 * complexCount * key.batch + 16)!
    defer {
      fftwf_free(realBlock)
      fftwf_free(complexBlock)
    }
    let real = realBlock + realOffset
    let complex = UnsafeMutableRawPointer(complexBlock + complexOffset).assumingMemoryBound(to: fftwf_complex.self)
    let flags = UInt32(FFTW_MEASURE)
    handle = n.withUnsafeBufferPointer { n in
      key.forward
        ? fftwf_plan_many_dft_r2c(
          Int32(n.count), n.baseAddress, Int32(key.batch), real, nil, 1, Int32(realCount), complex, nil, 1, Int32(complexCount), flags)
        : fftwf_plan_many_dft_c2r(
          Int32(n.count), n.baseAddress, Int32(key.batch), complex, nil, 1, Int32(complexCount), real, nil, 1, Int32(realCount), flags)
    }!
  }

  deinit { FFTWPlanner.locked { fftwf_destroy_plan(handle) } }

  /// Forward: `input` real → `output` interleaved complex.
  func executeForward(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
    output.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_r2c(handle, input, $0) }
  }

  /// Inverse (unnormalized): `input` interleaved complex (overwritten by FFTW) → `output` real.
  func executeInverse(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
    input.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_c2r(handle, $0, output) }
  }
}

/// Serializes calls into FFTW's planner (plan creation and destruction), which is not
/// thread-safe; plan execution needs no lock.
enum FFTWPlanner {
  private static let lock = Mutex<Void>(())

  /// Runs `body` while holding the planner lock.
  static func locked<R>(_ body: () -> R) -> R { lock.withLock { _ in body() } }
}
