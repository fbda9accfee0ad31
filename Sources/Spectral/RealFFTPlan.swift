/// A batched real FFT of fixed sizes in double precision on the caller's buffers, for time
/// steppers that transform the same shapes thousands of times: no allocation per transform.
///
/// Conventions are ``RealFFT``'s but unnormalized both ways (the inverse does not divide by
/// `N = Π sizes`; fold `1/N` into a multiplier the caller applies anyway). Complex values are
/// interleaved `(re, im)`, the last axis halved to `n/2 + 1`. FFTW plans come from the shared,
/// alignment-aware plan cache.
public struct RealFFTPlan: Sendable {
  /// The transform sizes (1 to 3 axes).
  public let sizes: [Int]
  /// Transforms per call, stored one after the other.
  public let batch: Int

  /// Plans for `batch` transforms of real shape `sizes`.
  /// - Throws: ``FFTError/invalidSize(_:)`` for an empty or non-positive shape or batch.
  public init(sizes: [Int], batch: Int = 1) throws {
    guard (1...3).contains(sizes.count), sizes.allSatisfy({ $0 >= 1 }), batch >= 1 else {
      throw FFTError.invalidSize("cannot plan \(batch) transforms of sizes \(sizes)")
    }
    self.sizes = sizes
    self.batch = batch
  }

  /// Real values per transform, `Π sizes`.
  public var realCount: Int { sizes.reduce(1, *) }
  /// Complex values per transform's half spectrum.
  public var complexCount: Int { FFTPlanCache.halfSpectrumCount(sizes) }

  /// `output ← rfftn(input)` for every transform (`batch · realCount` reals in, `2 · batch ·
  /// complexCount` doubles out); `input` is left intact.
  public func forward(_ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<Double>) {
    FFTPlanCache.plan(sizes: sizes, batch: batch, forward: true, input: input, output: output).executeForward(input, output)
  }

  /// `output ← N · irfftn(input)` for every transform (unnormalized); `input` is overwritten.
  public func inverse(_ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<Double>) {
    FFTPlanCache.plan(sizes: sizes, batch: batch, forward: false, input: input, output: output).executeInverse(input, output)
  }
}
