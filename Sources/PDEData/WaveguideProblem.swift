import Datasets
import Foundation

/// Transverse-electric time-harmonic waves in a parallel-plate waveguide with a random magnetic
/// medium: perfectly conducting plates at `y = 0` and `y = 1`, open (absorbing) ends at `x = 0`
/// and `x = 1`, a fixed magnetic-current source. The learned quantity is the in-plane electric
/// field `E = (E_x, E_y)`, complex, whose tangential part vanishes on the plates
/// (`n × E = 0`, i.e. `E_x = 0` at `y = 0, 1`) — the boundary condition a multi-component
/// DeepONet can build into its output.
///
/// In units where the background wave speed and impedance are 1 (`ε = μ₀ = 1`, `ω = k̄`), the
/// magnetic field `H = H_z` solves `−ΔH − k(x)² H = f` with `k² = ω² μ(x)`, `∂H/∂n = 0` on the
/// plates and `∂H/∂n − i k H = 0` at the ends: ``HelmholtzProblem`` absorbing on axis 0 only
/// (`x` is the first array axis). Ampère's law gives `E = (i/ω) (∂_y H, −∂_x H)`, differentiated
/// on the vertex grid by central differences; at the plates `∂_y H = 0` (the discrete Neumann
/// condition, so `E_x` is exactly zero there) and at the ends `∂_x H = ∓ i k H` (the impedance
/// condition). Both are second order.
///
/// As a ``SampledSystemFamily`` the parameter field is `k` and the stored solution `E`,
/// `(2, s, s)` complex; the systems are those of `H_z`.
public struct WaveguideProblem: SampledSystemFamily {
  public static let family = DatasetFamily.helmholtz

  /// The scalar problem for `H_z` (absorbing on the sides of axis 0).
  public let magnetic: HelmholtzProblem

  /// A family at resolution `s ≥ 3` with `0 < k̄_min ≤ k̄_max` and the given contrast of `k(x)`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` otherwise.
  public init(resolution: Int, wavenumbers: ClosedRange<Double> = 8...16, contrast: Double = 0.4) throws {
    magnetic = try HelmholtzProblem(resolution: resolution, wavenumbers: wavenumbers, contrast: contrast, absorbingAxes: [0])
  }

  /// Grid points per side `s`.
  public var resolution: Int { magnetic.resolution }

  /// Solves for the electric field of a medium with frequency `ω` (the mean wavenumber) and
  /// wavenumber field `k`: `E_x` and `E_y` as (real, imaginary) pairs, each `s × s` row-major
  /// with the pair interleaved (`2 · s²` values per component).
  /// - Throws: the errors of ``HelmholtzProblem/solve(wavenumber:sample:)``.
  public func electricField(frequency omega: Double, wavenumber k: [Double], sample: Int = 0) throws -> (x: [Double], y: [Double]) {
    electricField(frequency: omega, wavenumber: k, magnetic: try magnetic.solve(wavenumber: k, sample: sample))
  }

  /// The electric field of the magnetic field `H` (real and imaginary parts, `s × s` each).
  func electricField(frequency omega: Double, wavenumber k: [Double], magnetic h: (real: [Double], imaginary: [Double])) -> (
    x: [Double], y: [Double]
  ) {
    let (re, im) = h
    let s = resolution, h = 1 / Double(s - 1)
    var ex = [Double](repeating: 0, count: 2 * s * s), ey = ex
    for i in 0..<s {
      for j in 0..<s {
        let p = i * s + j
        // ∂_y H: zero on the plates (Neumann), central inside.
        var dy = (0.0, 0.0)
        if j > 0 && j < s - 1 { dy = ((re[p + 1] - re[p - 1]) / (2 * h), (im[p + 1] - im[p - 1]) / (2 * h)) }
        // ∂_x H: ∂_x H = −ikH at x = 0 and +ikH at x = 1 (outgoing), central inside.
        var dx: (Double, Double)
        if i == 0 || i == s - 1 {
          let sign: Double = i == 0 ? -1 : 1
          dx = (-sign * k[p] * im[p], sign * k[p] * re[p])
        } else {
          dx = ((re[p + s] - re[p - s]) / (2 * h), (im[p + s] - im[p - s]) / (2 * h))
        }
        // E_x = (i/ω) ∂_y H, E_y = −(i/ω) ∂_x H; i (a + ib) = −b + ia.
        (ex[2 * p], ex[2 * p + 1]) = (-dy.1 / omega, dy.0 / omega)
        (ey[2 * p], ey[2 * p + 1]) = (dx.1 / omega, -dx.0 / omega)
      }
    }
    return (ex, ey)
  }

  public var unknowns: Int { magnetic.unknowns }
  public var isSymmetricPositiveDefinite: Bool { false }
  public var hasGridLayout: Bool { false }
  public var solutionIsComplex: Bool { true }
  /// `E_x` and `E_y` on the grid.
  public var solutionShape: [Int] { [2] + fieldShape }
  /// UMFPACK, as for the open geometry.
  public var fastestSolver: DatasetSolver { .independent(.umfpack) }
  public func coefficient(index: Int, seed: UInt64) -> [Double] { magnetic.coefficient(index: index, seed: seed) }
  public func system(coefficient k: [Double]) throws -> SampledSystem { try magnetic.system(coefficient: k) }
  /// `H_z` (interleaved real and imaginary parts).
  public func fullField(unknowns x: [Double]) -> [Double] { x }

  /// `E = (i/ω)(∂_y H, −∂_x H)` of sample `index` (its frequency `ω` is the sample's mean
  /// wavenumber): `E_x` then `E_y`, each interleaved (real, imaginary).
  public func solutionField(unknowns x: [Double], index: Int, seed: UInt64) -> [Double] {
    let (omega, k) = magnetic.medium(index: index, seed: seed)
    let n = resolution * resolution
    let e = electricField(frequency: omega, wavenumber: k, magnetic: ((0..<n).map { x[2 * $0] }, (0..<n).map { x[2 * $0 + 1] }))
    return e.x + e.y
  }

  public func describe(_ metadata: inout DatasetMetadata) {
    magnetic.describe(&metadata)
    metadata.geometry = .waveguide
    metadata.conductingWalls = [.y]
    metadata.solution =
      "complex64 E (N, 2, s, s) = (i/ω)(∂_y H, -∂_x H), -ΔH - k²H = f, ∂H/∂n = 0 at y = 0, 1, ∂H/∂n - ikH = 0 at x = 0, 1"
  }
}
