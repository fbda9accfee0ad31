import Foundation

/// Samples of a mean-zero Gaussian process on `linspace(0, 1, points)` with the squared-
/// exponential (RBF) covariance `k(x, x') = exp(−|x − x'|² / (2 ℓ²))` — the input functions of
/// the DeepONet paper's antiderivative and ODE examples (`ℓ = 0.2`).
///
/// A sample is `L ξ` with `L` the Cholesky factor of the covariance matrix plus a `10⁻¹⁰`
/// diagonal jitter (the matrix is numerically singular for smooth kernels) and `ξ` standard
/// normal; between the points the function is read as piecewise linear.
public struct SquaredExponentialProcess: Sendable {
  /// Number of grid points (sensors).
  public let points: Int
  /// Correlation length `ℓ`.
  public let lengthScale: Double
  /// Lower-triangular Cholesky factor, row-major `points × points`.
  private let factor: [Double]

  /// A sampler on `points ≥ 2` equispaced points of `[0, 1]`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for `points < 2` or `ℓ ≤ 0`.
  public init(points: Int, lengthScale: Double = 0.2) throws {
    guard points >= 2 else { throw DatasetError.invalidParameter("points must be at least 2, got \(points)") }
    guard lengthScale > 0, lengthScale.isFinite else {
      throw DatasetError.invalidParameter("length scale must be positive, got \(lengthScale)")
    }
    self.points = points
    self.lengthScale = lengthScale
    let n = points, h = 1 / Double(n - 1)
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0...i {
        let d = Double(i - j) * h
        var sum = exp(-d * d / (2 * lengthScale * lengthScale)) + (i == j ? 1e-10 : 0)
        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
        l[i * n + j] = i == j ? Swift.max(sum, 0).squareRoot() : sum / l[j * n + j]
      }
    }
    factor = l
  }

  /// One sample at the grid points.
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Double] {
    let n = points, xi = standardNormals(n, using: &generator)
    return (0..<n).map { i in (0...i).reduce(0.0) { $0 + factor[i * n + $1] * xi[$1] } }
  }
}
