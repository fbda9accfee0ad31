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
      // ∂x = C2R(g / w): the interior bins of the halved axis halved (in the copy c2r needs).
      [try g.unnormalizedInverse(sizes: sizes, interior: 0.5, edge: 1)]
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
    // The 1/N goes into the copy of the spectrum that c2r overwrites: no pass over the result.
    let real = try unnormalizedInverse(sizes: sizes, interior: 1 / n, edge: 1 / n)
    return GradientTape.recordOperation(real, inputs: [self]) { g in
      // ∂Y = w · R2C(g) / N, scaled in place in the freshly computed spectrum.
      var spectrum = try g.realFFT(dimensions: d)
      let bins = spectrum.shape[spectrum.rank - 2]
      spectrum.withUnsafeMutableScalars { y in
        Tensor.scaleHalfSpectrum(
          UnsafePointer(y.baseAddress!), into: y.baseAddress!, count: y.count, bins: bins, lastSize: sizes.last!, interior: 2 / n,
          edge: 1 / n)
      }
      return [spectrum]
    }
  }

  /// The unnormalized C2R transform (FFTW's backward real transform) of this spectrum with the
  /// interior bins of its halved axis multiplied by `interior` and the others by `edge`, not
  /// differentiated. The scaling is applied while copying the spectrum, which c2r overwrites.
  func unnormalizedInverse(sizes: [Int], interior: Float, edge: Float) throws -> Tensor {
    let d = sizes.count
    let lead = Array(shape.dropLast(d + 1))
    let batch = lead.reduce(1, *)
    let bins = shape[rank - 2]
    var input = scalars.withUnsafeBufferPointer { x in
      [Float](unsafeUninitializedCapacity: x.count) { y, initialized in
        Tensor.scaleHalfSpectrum(
          x.baseAddress!, into: y.baseAddress!, count: x.count, bins: bins, lastSize: sizes.last!, interior: interior, edge: edge)
        initialized = x.count
      }
    }
    let output = input.withUnsafeMutableBufferPointer { y in
      [Float](unsafeUninitializedCapacity: sizes.reduce(1, *) * batch) { x, initialized in
        FFTPlanCache.plan(sizes: sizes, batch: batch, forward: false, input: y.baseAddress!, output: x.baseAddress!)
          .executeInverse(y.baseAddress!, x.baseAddress!)
        initialized = sizes.reduce(1, *) * batch
      }
    }
    return try Tensor(shape: lead + sizes, scalars: output)
  }

  /// `y = x` with, in every row of `bins` complex values (interleaved, `2·bins` floats), the
  /// interior bins of the halved axis of a length-`n` transform (1 … n/2 − 1 for even `n`,
  /// 1 … (n − 1)/2 for odd) multiplied by `interior` and the others by `edge`. `y` may be `x`.
  static func scaleHalfSpectrum(
    _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, bins: Int, lastSize n: Int, interior: Float,
    edge: Float
  ) {
    let interiorEnd = 2 * (n % 2 == 0 ? bins - 1 : bins)  // one past the last interior float
    for row in stride(from: 0, to: count, by: 2 * bins) {
      for j in 0..<Swift.min(2, interiorEnd) { y[row + j] = x[row + j] * edge }
      for j in 2..<Swift.max(2, interiorEnd) { y[row + j] = x[row + j] * interior }
      for j in Swift.max(2, interiorEnd)..<(2 * bins) { y[row + j] = x[row + j] * edge }
    }
  }
}
