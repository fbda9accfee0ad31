import Datasets
import Foundation
import Grids
import Sparse
import Tensors

/// Time-harmonic waves radiating from a fixed source through a random medium: the complex field
/// `u` with `−Δu − k(x)² u = f` in `[0, 1]²` and the first-order absorbing (impedance) condition
/// `∂u/∂n − i k u = 0` on the boundary (outgoing waves for the `e^{−iωt}` convention) — on the
/// sides of the ``absorbingAxes``; the other sides are insulated (`∂u/∂n = 0`).
///
/// The wavenumber field is `k(x) = k̄ (1 + ½ c g(x) / max|g|)` with `g` a
/// ``GaussianRandomField`` sample, contrast `c = 0.4` (±20%), and mean `k̄` drawn uniformly from
/// `wavenumbers` per sample. The source is a Gaussian bump of width 0.05 at `(0.3, 0.4)`
/// (`x` along the first array axis) with unit integral. Fields live on the `s × s` vertex grid
/// including the boundary, `h = 1/(s − 1)`; every vertex is an unknown.
///
/// Discretization: the finite-volume Laplacian of ``GridSystem/helmholtz(grid:wavenumber:source:boundary:)``
/// with insulated sides (half and quarter control volumes on the boundary), to which each
/// boundary face adds `−i k · (face area / cell volume)` on the diagonal. The complex system
/// `(A − iC) u = f` is solved in the real block form `[[A, C], [−C, A]] [Re u; Im u] = [f; 0]`
/// by UMFPACK.
public struct HelmholtzProblem: SampledSystemFamily {
  public static let family = DatasetFamily.helmholtz
  /// Grid points per side `s`.
  public let resolution: Int
  /// The range of the mean wavenumber `k̄`.
  public let wavenumbers: ClosedRange<Double>
  /// Relative contrast of the wavenumber field (peak to peak).
  public let contrast: Double
  /// The field sampler for the medium.
  public let field: GaussianRandomField
  /// The axes whose two sides absorb (impedance condition); the sides of the other axes are
  /// insulated. All axes: radiation into open space; `[0]`: a channel open at both ends.
  public let absorbingAxes: [Int]

  /// A family at resolution `s ≥ 3` with `0 < k̄_min ≤ k̄_max`, absorbing on the sides of
  /// `absorbingAxes` (a non-empty subset of `[0, 1]`: without absorption the problem resonates).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` otherwise.
  public init(
    resolution: Int, wavenumbers: ClosedRange<Double> = 8...16, contrast: Double = 0.4, absorbingAxes: [Int] = [0, 1]
  ) throws {
    guard resolution >= 3 else { throw DatasetError.invalidParameter("resolution must be at least 3, got \(resolution)") }
    guard wavenumbers.lowerBound > 0, wavenumbers.upperBound.isFinite else {
      throw DatasetError.invalidParameter("wavenumbers must be positive and finite, got \(wavenumbers)")
    }
    guard (0..<2).contains(contrast) else { throw DatasetError.invalidParameter("contrast must be in [0, 2), got \(contrast)") }
    guard !absorbingAxes.isEmpty, absorbingAxes.allSatisfy({ (0..<2).contains($0) }) else {
      throw DatasetError.invalidParameter("absorbing axes must be a non-empty subset of [0, 1], got \(absorbingAxes)")
    }
    self.absorbingAxes = absorbingAxes
    self.resolution = resolution
    self.wavenumbers = wavenumbers
    self.contrast = contrast
    field = GaussianRandomField(size: resolution)
  }

  /// The wavenumber field of sample `index` under `seed`, `s × s` row-major.
  public func wavenumber(index: Int, seed: UInt64) -> [Double] { medium(index: index, seed: seed).field }

  /// The medium of sample `index` under `seed`: the mean wavenumber `k̄` (the frequency `ω` in
  /// units where the background speed is 1) and the field `k(x)`, `s × s` row-major.
  public func medium(index: Int, seed: UInt64) -> (mean: Double, field: [Double]) {
    var generator = SplitMix64(seed: seed &+ 0x632B_E59B_D9B4_E019 &* UInt64(index + 1))
    let mean = Double.random(in: wavenumbers, using: &generator)
    let g = field.sample(using: &generator)
    let peak = max(g.map(abs).max() ?? 1, 1e-12)
    return (mean, g.map { mean * (1 + 0.5 * contrast * $0 / peak) })
  }

  /// The source `f` at the grid points.
  public var source: [Double] {
    let s = resolution, h = 1 / Double(s - 1), width = 0.05
    return (0..<(s * s)).map { p in
      let (x, y) = (Double(p / s) * h - 0.3, Double(p % s) * h - 0.4)
      return exp(-(x * x + y * y) / (2 * width * width)) / (2 * .pi * width * width)
    }
  }

  /// Unknowns: real and imaginary parts at every vertex, `2 s²`.
  public var unknowns: Int { 2 * resolution * resolution }
  /// Complex symmetric, so its real block form is nonsymmetric (and indefinite).
  public var isSymmetricPositiveDefinite: Bool { false }
  public var hasGridLayout: Bool { false }
  public var solutionIsComplex: Bool { true }
  /// The fastest solver of the generation benchmark (`opkit bench --suite generation --samples
  /// 200`, mean wavenumbers 2–6): UMFPACK (1.1 s at 32², 5.0 s at 64²; SKR 1.5 s and 8.0 s,
  /// GMRES(40) 4.0 s and no convergence).
  public var fastestSolver: DatasetSolver { .independent(.umfpack) }

  /// The wavenumber field `k` of sample `index` (the parameter field SKR sorts by).
  public func coefficient(index: Int, seed: UInt64) -> [Double] { wavenumber(index: index, seed: seed) }

  /// The real form of the complex system `(A − iC) u = f` for the wavenumber field `k` (`s × s`,
  /// positive): unknowns interleaved per grid point, `x[2p] = Re u_p`, `x[2p+1] = Im u_p`, so
  /// each complex entry `a − ib` is the 2×2 block `[[a, b], [−b, a]]`. Every block of the
  /// pattern is stored whole (explicit zeros included), which makes ILU(0) of this matrix the
  /// complex ILU(0) of `A − iC` — on the `[[A, C], [−C, A]]` ordering ILU(0) stalls GMRES.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a field of the wrong size; `GridError`
  ///   from assembly.
  public func system(coefficient k: [Double]) throws -> SampledSystem {
    let s = resolution, n = s * s, h = 1 / Double(s - 1)
    guard k.count == n else { throw DatasetError.invalidParameter("wavenumber field has \(k.count) values, expected \(s)² = \(n)") }
    let grid = try UniformGrid(cellCounts: [s - 1, s - 1])
    let helmholtz = try GridSystem.helmholtz(
      grid: grid, wavenumber: .values(k), source: .values(source), boundary: .all(.neumann(0), dimension: 2))
    let a = CSRMatrix(helmholtz.matrix)
    // Impedance: each boundary face of vertex p contributes k_p · (face area / cell volume); on
    // a side of axis 0 the face spans the vertex's extent along axis 1 (half a cell at corners).
    var impedance = [Double](repeating: 0, count: n)
    let (absorbs0, absorbs1) = (absorbingAxes.contains(0), absorbingAxes.contains(1))
    for i in 0..<s {
      for j in 0..<s {
        let onRow = i == 0 || i == s - 1, onColumn = j == 0 || j == s - 1
        if onRow && absorbs0 { impedance[i * s + j] += (onColumn ? 0.5 : 1) / h }
        if onColumn && absorbs1 { impedance[i * s + j] += (onRow ? 0.5 : 1) / h }
        impedance[i * s + j] *= k[i * s + j]
      }
    }
    var blocks = COOMatrix(rowCount: 2 * n, columnCount: 2 * n, reserve: 4 * a.values.count)
    for row in 0..<n {
      for e in Int(a.rowPointers[row])..<Int(a.rowPointers[row + 1]) {
        let column = Int(a.columnIndices[e])
        let c = column == row ? impedance[row] : 0
        blocks.append(row: 2 * row, column: 2 * column, value: a.values[e])
        blocks.append(row: 2 * row, column: 2 * column + 1, value: c)
        blocks.append(row: 2 * row + 1, column: 2 * column, value: -c)
        blocks.append(row: 2 * row + 1, column: 2 * column + 1, value: a.values[e])
      }
    }
    let rhs = helmholtz.rightHandSide.flatMap { [$0, 0.0] }
    return SampledSystem(matrix: try CSRMatrix(blocks), rightHandSide: rhs, layout: nil)
  }

  /// The complex field from the interleaved unknowns: (real, imaginary) per grid point, as is.
  public func fullField(unknowns x: [Double]) -> [Double] { x }

  public func describe(_ metadata: inout DatasetMetadata) {
    metadata.boundary = absorbingAxes == [0, 1] ? .absorbing : .absorbingEnds
    metadata.geometry = .open
    metadata.alpha = field.alpha
    metadata.tau = field.tau
    metadata.coefficient = "float32 k (N, s, s) = k̄(1 + ½ c g/max|g|), k̄ uniform in [k_min, k_max]"
    metadata.solution = "complex64 u (N, s, s) with -Δu - k²u = f, ∂u/∂n - iku = 0"
    metadata.parameters = ["k_min": wavenumbers.lowerBound, "k_max": wavenumbers.upperBound, "contrast": contrast]
  }

  /// Solves for the complex field by UMFPACK: real and imaginary parts, each `s × s` row-major.
  /// - Throws: `GridError`/`SparseError` from assembly or the factorization;
  ///   ``DatasetError/solveFailed(sample:message:)`` if the residual exceeds `1e-8`.
  public func solve(wavenumber k: [Double], sample: Int = 0) throws -> (real: [Double], imaginary: [Double]) {
    let n = resolution * resolution
    let system = try system(coefficient: k)
    let (matrix, rhs) = (system.matrix, system.rightHandSide)
    let x = try LUFactorization(matrix).solve(rhs)
    let r = try matrix.multiplied(by: x)
    let residual = zip(r, rhs).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let norm = rhs.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
    guard residual <= 1e-8 * norm else {
      throw DatasetError.solveFailed(sample: sample, message: "UMFPACK reached relative residual \(residual / norm)")
    }
    return ((0..<n).map { x[2 * $0] }, (0..<n).map { x[2 * $0 + 1] })
  }
}
