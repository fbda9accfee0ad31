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
    precondition(coefficients.count == n * m && n > 0 && m > 0, "DCT shape")
    // FFTW's REDFT01 is unnormalized: y_i = X_0 + 2 Σ_{k≥1} X_k cos(…). Fold the orthonormal
    // weights into the input: X_0 · √(1/n), X_k · √(2/n) / 2.
    var input = coefficients
    for k in 0..<n {
      for l in 0..<m {
        let wk = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot() / 2
        let wl = l == 0 ? (1 / Double(m)).squareRoot() : (2 / Double(m)).squareRoot() / 2
        input[k * m + l] *= wk * wl
      }
    }
    var output = [Double](repeating: 0, count: n * m)
    input.withUnsafeMutableBufferPointer { x in
      output.withUnsafeMutableBufferPointer { y in
        FFTWPlanner.locked {
          let plan = fftw_plan_r2r_2d(Int32(n), Int32(m), x.baseAddress, y.baseAddress, FFTW_REDFT01, FFTW_REDFT01, UInt32(FFTW_ESTIMATE))
          return plan
        }.map { plan in
          fftw_execute(plan)
          FFTWPlanner.locked { fftw_destroy_plan(plan) }
        }
      }
    }
    return output
  }
}
