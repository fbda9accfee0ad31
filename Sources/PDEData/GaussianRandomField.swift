import Foundation
import Spectral
import Tensors

/// Samples of a Gaussian random field on the vertex grid of `[0, 1]^d` (`d` = 2 or 3), mean zero with
/// covariance `τ^{2α−2} (−Δ + τ² I)^{−α}`, `Δ` the Laplacian with zero Neumann boundaries — the
/// field behind the standard Darcy benchmark (`α = 2`, `τ = 3`: `N(0, (−Δ + 9I)^{−2})` up to the
/// constant factor).
///
/// Karhunen–Loève expansion on cosine modes: coefficients
/// `X[k, l] = s · τ^{α−1} (π²(k² + l²) + τ²)^{−α/2} · ξ[k, l]`, `ξ ~ N(0, 1)` i.i.d., the mean
/// mode `X[0, 0] = 0`, then an orthonormal inverse DCT; in 3D the factor `s` becomes `s^{3/2}`
/// (the orthonormal transform's normalization) and `|k|²` runs over three indices (`α > 3/2`).
/// Seeded and platform-independent.
///
/// References: Li et al. 2021 (FNO), data generation script `GRF.m`; Lord, Powell, Shardlow
/// 2014, *An Introduction to Computational Stochastic PDEs*, ch. 7.
public struct GaussianRandomField: Sendable {
  /// Grid points per side `s` (spacing `1/(s − 1)`).
  public let size: Int
  /// Smoothness `α` (> 1 in 2D).
  public let alpha: Double
  /// Inverse length scale `τ`.
  public let tau: Double

  /// Space dimension `d` (2 or 3).
  public let dimension: Int

  /// A sampler on a `size^dimension` vertex grid.
  public init(size: Int, dimension: Int = 2, alpha: Double = 2, tau: Double = 3) {
    precondition(dimension == 2 || dimension == 3, "Gaussian random fields in 2D or 3D")
    self.size = size
    self.dimension = dimension
    self.alpha = alpha
    self.tau = tau
  }

  /// The standard deviation of KL coefficient `(k, l, …)` before the factor `s^{d/2}`.
  public func modeScale(_ k: Int...) -> Double {
    let squared = k.reduce(0) { $0 + $1 * $1 }
    return pow(tau, alpha - 1) * pow(Double.pi * Double.pi * Double(squared) + tau * tau, -alpha / 2)
  }

  /// The grid's shape, `[s, s]` or `[s, s, s]`.
  public var shape: [Int] { Array(repeating: size, count: dimension) }

  /// The KL coefficients of one sample (row-major over ``shape``).
  public func coefficients<G: RandomNumberGenerator>(using generator: inout G) -> [Double] {
    let s = size, factor = pow(Double(s), Double(dimension) / 2)
    let count = shape.reduce(1, *)
    var xi = standardNormals(count, using: &generator)
    for index in 0..<count {
      let squared =
        dimension == 2
        ? (index / s) * (index / s) + (index % s) * (index % s)
        : (index / (s * s)) * (index / (s * s)) + (index / s % s) * (index / s % s) + (index % s) * (index % s)
      xi[index] *= factor * (pow(tau, alpha - 1) * pow(Double.pi * Double.pi * Double(squared) + tau * tau, -alpha / 2))
    }
    xi[0] = 0
    return xi
  }

  /// One sample on the grid, row-major over ``shape``.
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Double] {
    CosineTransform.inverse(coefficients(using: &generator), shape: shape)
  }
}

/// `count` independent standard normal numbers (Box–Muller, two per pair of uniforms), the same
/// on every platform for the same generator.
func standardNormals<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> [Double] {
  var xi = [Double](repeating: 0, count: count)
  var k = 0
  while k < count {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator), u2 = Double.random(in: 0..<1, using: &generator)
    let r = (-2 * Foundation.log(u1)).squareRoot()
    xi[k] = r * cos(2 * .pi * u2)
    if k + 1 < count { xi[k + 1] = r * sin(2 * .pi * u2) }
    k += 2
  }
  return xi
}
