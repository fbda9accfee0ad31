import Tensors

/// Real FFTs over the trailing axes of a tensor, as differentiable operations on FFTW.
///
/// Conventions follow numpy and PyTorch (`norm="backward"`): the forward transform is
/// unnormalized, `Y_k = Σ_n x_n e^{−2πi k·n/N}`, and the inverse divides by `N`. Complex results
/// use the interleaved `[…, 2]` layout of `Tensors` (last spatial axis halved to `n/2 + 1`).
///
/// Adjoints (for a real loss): with `R2C` and `C2R` the unnormalized FFTW transforms and `w_k = 2`
/// on the interior bins of the halved axis (1 on its first bin and, for even `n`, its last),
/// `∂x = C2R(g / w)` for `Y = rfftn(x)` and `∂Y = w · R2C(g) / N` for `x = irfftn(Y)`.
extension Tensor {
  /// `rfftn` over the last `dimensions` axes: `[…, n₁, …, n_d]` → `[…, n₁, …, n_d/2 + 1, 2]`.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` for a rank below `dimensions`.
  public func realFFT(dimensions d: Int) throws -> Tensor {
    guard (1...3).contains(d), rank >= d, shape.suffix(d).allSatisfy({ $0 >= 1 }) else {
      throw TensorError.invalidShape(operation: "realFFT", message: "cannot transform the last \(d) axes of \(shape)")
    }
    let sizes = Array(shape.suffix(d))
    let lead = Array(shape.dropLast(d))
    let batch = lead.reduce(1, *)
    let complexCount = FFTPlanCache.halfSpectrumCount(sizes)
    // FFTW writes every output element and, out of place, leaves a forward input intact.
    let output = scalars.withUnsafeBufferPointer { x in
      [Float](unsafeUninitializedCapacity: 2 * complexCount * batch) { y, initialized in
        let input = UnsafeMutablePointer(mutating: x.baseAddress!)
        FFTPlanCache.plan(sizes: sizes, batch: batch, forward: true, input: input, output: y.baseAddress!)
          .executeForward(input, y.baseAddress!)
        initialized = 2 * complexCount * batch
      }
    }
    let outShape = lead + sizes.dropLast() + [sizes.last! / 2 + 1, 2]
    let spectrum = try Tensor(shape: outShape, scalars: output)
    return GradientTape.recordOperation(spectrum, inputs: [self]) { g in
      // ∂x = C2R(g / w): halve the interior bins of the halved axis, then invert unnormalized.
      [try g.scaledHalfSpectrum(lastSize: sizes.last!, interior: 0.5).unnormalizedInverse(sizes: sizes)]
    }
  }

  /// `irfftn`: `[…, n₁, …, n_d/2 + 1, 2]` → `[…, n₁, …, n_d]` with the real sizes `sizes`
  /// (the last one is needed to tell even from odd), divided by `N = Π sizes`.
  /// - Throws: ``TensorError/shapeMismatch(operation:shapes:)`` if the spectrum's shape does not
  ///   match `sizes`.
  public func inverseRealFFT(sizes: [Int]) throws -> Tensor {
    let d = sizes.count
    guard (1...3).contains(d), rank >= d + 1, shape.last == 2, Array(shape.dropLast().suffix(d)) == sizes.dropLast() + [sizes.last! / 2 + 1]
    else { throw TensorError.shapeMismatch(operation: "inverseRealFFT(sizes: \(sizes))", shapes: [shape]) }
    let n = Float(sizes.reduce(1, *))
    let real = try unnormalizedInverse(sizes: sizes) * (1 / n)
    return GradientTape.recordOperation(real, inputs: [self]) { g in
      // ∂Y = w · R2C(g) / N
      [try g.realFFT(dimensions: d).scaledHalfSpectrum(lastSize: sizes.last!, interior: 2) * (1 / n)]
    }
  }

  /// The unnormalized C2R transform (FFTW's backward real transform), not differentiated.
  func unnormalizedInverse(sizes: [Int]) throws -> Tensor {
    let d = sizes.count
    let lead = Array(shape.dropLast(d + 1))
    let batch = lead.reduce(1, *)
    var input = scalars  // FFTW's c2r overwrites its input
    let output = input.withUnsafeMutableBufferPointer { y in
      [Float](unsafeUninitializedCapacity: sizes.reduce(1, *) * batch) { x, initialized in
        FFTPlanCache.plan(sizes: sizes, batch: batch, forward: false, input: y.baseAddress!, output: x.baseAddress!)
          .executeInverse(y.baseAddress!, x.baseAddress!)
        initialized = sizes.reduce(1, *) * batch
      }
    }
    return try Tensor(shape: lead + sizes, scalars: output)
  }

  /// Multiplies the interior bins of the halved (second-to-last) axis by `interior`.
  func scaledHalfSpectrum(lastSize n: Int, interior: Float) throws -> Tensor {
    let bins = shape[rank - 2]
    let lastInterior = n % 2 == 0 ? bins - 2 : bins - 1
    guard lastInterior >= 1 else { return self }
    var scaled = self.detached
    scaled.withUnsafeMutableScalars { y in
      // Rows of `bins` complex values; bins 1 ... lastInterior are scaled.
      for row in stride(from: 0, to: y.count, by: 2 * bins) {
        for j in 2..<(2 * lastInterior + 2) { y[row + j] *= interior }
      }
    }
    return scaled
  }
}
