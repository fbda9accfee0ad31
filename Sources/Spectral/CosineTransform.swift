import CFFTW

/// The orthonormal 2D inverse discrete cosine transform (DCT-III, MATLAB's `idct2`, scipy's
/// `idctn(norm="ortho")`), in double precision on FFTW's `REDFT01`.
///
/// `x[i, j] = Σ_{k,l} w_k w_l X[k, l] cos(π(2i+1)k / 2n) cos(π(2j+1)l / 2m)` with `w_0 = √(1/n)`
/// and `w_k = √(2/n)`. Cosine modes are the eigenfunctions of the Laplacian with zero Neumann
/// boundaries, which is why Gaussian random field samplers use them.
public enum CosineTransform {
  /// The inverse orthonormal DCT of the `n × m` row-major coefficients `coefficients`.
  public static func inverse2D(_ coefficients: [Double], rows n: Int, columns m: Int) -> [Double] {
    inverse(coefficients, shape: [n, m])
  }

  /// The inverse orthonormal DCT over every axis of the row-major array `coefficients` of
  /// `shape` (any rank ≥ 1): the product of the 1D weights and cosines along each axis.
  public static func inverse(_ coefficients: [Double], shape: [Int]) -> [Double] {
    precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 } && coefficients.count == shape.reduce(1, *), "DCT shape")
    // FFTW's REDFT01 is unnormalized: y_i = X_0 + 2 Σ_{k≥1} X_k cos(…). Fold the orthonormal
    // weights into the input: X_0 · √(1/n), X_k · √(2/n) / 2, per axis.
    var input = coefficients
    var stride = coefficients.count
    for n in shape {
      stride /= n
      let (first, rest) = ((1 / Double(n)).squareRoot(), (2 / Double(n)).squareRoot() / 2)
      for index in input.indices { input[index] *= (index / stride) % n == 0 ? first : rest }
    }
    var output = [Double](repeating: 0, count: coefficients.count)
    let sizes = shape.map { Int32($0) }, kinds = [fftw_r2r_kind](repeating: FFTW_REDFT01, count: shape.count)
    input.withUnsafeMutableBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in
        FFTWPlanner.locked {
          fftw_plan_r2r(Int32(shape.count), sizes, x.baseAddress, y.baseAddress, kinds, UInt32(FFTW_ESTIMATE))
        }.map { plan in
          fftw_execute(plan)
          FFTWPlanner.locked { fftw_destroy_plan(plan) }
        }
      }
    }
    return output
  }
}
