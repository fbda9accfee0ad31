/// Batched real FFTs in double precision on plain arrays, for solvers and data generation
/// (tensors, which are `Float`, use ``Tensors/Tensor/realFFT(dimensions:)``).
///
/// Conventions are numpy's `rfftn`/`irfftn` over the last `sizes.count` axes (`norm="backward"`):
/// the forward transform is unnormalized, the inverse divides by `N = Π sizes`. Complex values
/// are interleaved `(re, im)`; the last axis is halved to `n/2 + 1`.
public enum RealFFT {
  /// `rfftn` of `values.count / Π sizes` contiguous real arrays of shape `sizes` (1 to 3 axes).
  /// - Throws: ``FFTError/invalidSize(_:)`` if the count is not a multiple of `Π sizes`.
  public static func forward(_ values: [Double], sizes: [Int]) throws -> [Double] {
    let batch = try batchCount(values.count, sizes: sizes, perTransform: sizes.reduce(1, *))
    let complexCount = FFTPlanCache.halfSpectrumCount(sizes)
    return values.withUnsafeBufferPointer { x in
      [Double](unsafeUninitializedCapacity: 2 * complexCount * batch) { y, initialized in
        // Out of place, FFTW leaves a forward input intact.
        let input = UnsafeMutablePointer(mutating: x.baseAddress!)
        FFTPlanCache.plan(sizes: sizes, batch: batch, forward: true, input: input, output: y.baseAddress!)
          .executeForward(input, y.baseAddress!)
        initialized = 2 * complexCount * batch
      }
    }
  }

  /// `irfftn` back to real arrays of shape `sizes` (needed to tell even from odd last axes),
  /// divided by `N`.
  /// - Throws: ``FFTError/invalidSize(_:)`` if the count does not match the half spectra.
  public static func inverse(_ spectrum: [Double], sizes: [Int]) throws -> [Double] {
    let complexCount = FFTPlanCache.halfSpectrumCount(sizes)
    let batch = try batchCount(spectrum.count, sizes: sizes, perTransform: 2 * complexCount)
    let n = sizes.reduce(1, *)
    var input = spectrum  // FFTW's c2r overwrites its input
    let scale = 1 / Double(n)
    return input.withUnsafeMutableBufferPointer { y in
      [Double](unsafeUninitializedCapacity: n * batch) { x, initialized in
        FFTPlanCache.plan(sizes: sizes, batch: batch, forward: false, input: y.baseAddress!, output: x.baseAddress!)
          .executeInverse(y.baseAddress!, x.baseAddress!)
        for i in 0..<(n * batch) { x[i] *= scale }
        initialized = n * batch
      }
    }
  }

  private static func batchCount(_ count: Int, sizes: [Int], perTransform: Int) throws -> Int {
    guard (1...3).contains(sizes.count), sizes.allSatisfy({ $0 >= 1 }), perTransform > 0, count > 0, count % perTransform == 0 else {
      throw FFTError.invalidSize("\(count) values do not form transforms of sizes \(sizes)")
    }
    return count / perTransform
  }
}

/// A transform that cannot be made.
public enum FFTError: Error, Equatable, CustomStringConvertible {
  /// Sizes and data do not fit together.
  case invalidSize(String)
  public var description: String {
    switch self {
    case .invalidSize(let message): "invalid FFT size: \(message)"
    }
  }
}
