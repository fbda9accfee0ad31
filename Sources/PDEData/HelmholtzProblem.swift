import Datasets
import Foundation
import Grids
import Krylov
import Sparse
import Tensors

/// Time-harmonic waves radiating from a fixed source through a random medium: the complex field
/// `u` with `−Δu − k(x)² u = f` in `[0, 1]^d` (`d` = 2 or 3) and the first-order absorbing
/// (impedance) condition `∂u/∂n − i k u = 0` on the boundary (outgoing waves for the `e^{−iωt}`
/// convention) — on the sides of the ``absorbingAxes``; the other sides are insulated
/// (`∂u/∂n = 0`).
///
/// The wavenumber field is `k(x) = k̄ (1 + ½ c g(x) / max|g|)` with `g` a
/// ``GaussianRandomField`` sample, contrast `c = 0.4` (±20%), and mean `k̄` drawn uniformly from
/// `wavenumbers` per sample. The source is a Gaussian bump of width 0.05 at `(0.3, 0.4)`, or
/// `(0.3, 0.4, 0.5)` in 3D (`x` along the first array axis), with unit integral. Fields live on
/// the `s^d` vertex grid including the boundary, `h = 1/(s − 1)`; every vertex is an unknown.
///
/// Discretization: the finite-volume Laplacian of ``GridSystem/helmholtz(grid:wavenumber:source:boundary:)``
/// with insulated sides (half, quarter and eighth control volumes on the boundary), to which each
/// absorbing boundary face adds `−i k · (face area / h^d)` on the diagonal. The complex system
/// `(A − iC) u = f` is solved in the real block form `[[A, C], [−C, A]] [Re u; Im u] = [f; 0]`:
/// by UMFPACK in 2D, on the cube by GMRES(40) preconditioned with a multigrid cycle on the
/// complex shifted Laplacian `−Δ − (1 + ½i) k²` (``ShiftedLaplacian``), which each system
/// carries (``fastestSolver``, ``fastestPreconditioner``).
public struct HelmholtzProblem: SampledSystemFamily {
  public static let family = DatasetFamily.helmholtz
  /// Grid points per side `s`.
  public let resolution: Int
  /// Space dimension `d`: 2 (the unit square) or 3 (the unit cube).
  public let dimension: Int
  /// The range of the mean wavenumber `k̄`.
  public let wavenumbers: ClosedRange<Double>
  /// Relative contrast of the wavenumber field (peak to peak).
  public let contrast: Double
  /// The field sampler for the medium.
  public let field: GaussianRandomField
  /// The axes whose two sides absorb (impedance condition); the sides of the other axes are
  /// insulated. All axes: radiation into open space; `[0]`: a channel open at both ends.
  public let absorbingAxes: [Int]

  /// A family on `[0, 1]^dimension` (2 or 3) at resolution `s ≥ 3` with
  /// `0 < k̄_min ≤ k̄_max`, absorbing on the sides of `absorbingAxes` (a non-empty subset of
  /// `0..<dimension`, default all: without absorption the problem resonates).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` otherwise.
  public init(
    resolution: Int, wavenumbers: ClosedRange<Double> = 8...16, contrast: Double = 0.4, absorbingAxes: [Int]? = nil,
    dimension: Int = 2
  ) throws {
    guard dimension == 2 || dimension == 3 else {
      throw DatasetError.invalidParameter("Helmholtz runs in 2 or 3 dimensions, got \(dimension)")
    }
    let absorbingAxes = absorbingAxes ?? Array(0..<dimension)
    guard resolution >= 3 else { throw DatasetError.invalidParameter("resolution must be at least 3, got \(resolution)") }
    guard wavenumbers.lowerBound > 0, wavenumbers.upperBound.isFinite else {
      throw DatasetError.invalidParameter("wavenumbers must be positive and finite, got \(wavenumbers)")
    }
    guard (0..<2).contains(contrast) else { throw DatasetError.invalidParameter("contrast must be in [0, 2), got \(contrast)") }
    guard !absorbingAxes.isEmpty, absorbingAxes.allSatisfy({ (0..<dimension).contains($0) }) else {
      throw DatasetError.invalidParameter("absorbing axes must be a non-empty subset of 0..<\(dimension), got \(absorbingAxes)")
    }
    self.absorbingAxes = absorbingAxes
    self.dimension = dimension
    self.resolution = resolution
    self.wavenumbers = wavenumbers
    self.contrast = contrast
    field = GaussianRandomField(size: resolution, dimension: dimension)
  }

  /// `[s, s]` or `[s, s, s]`.
  public var fieldShape: [Int] { Array(repeating: resolution, count: dimension) }

  /// Grid points, `s^d`.
  var points: Int { fieldShape.reduce(1, *) }

  /// The wavenumber field of sample `index` under `seed`, `s^d` row-major.
  public func wavenumber(index: Int, seed: UInt64) -> [Double] { medium(index: index, seed: seed).field }

  /// The medium of sample `index` under `seed`: the mean wavenumber `k̄` (the frequency `ω` in
  /// units where the background speed is 1) and the field `k(x)`, `s^d` row-major.
  public func medium(index: Int, seed: UInt64) -> (mean: Double, field: [Double]) {
    var generator = SplitMix64(seed: seed &+ 0x632B_E59B_D9B4_E019 &* UInt64(index + 1))
    let mean = Double.random(in: wavenumbers, using: &generator)
    let g = field.sample(using: &generator)
    let peak = max(g.map(abs).max() ?? 1, 1e-12)
    return (mean, g.map { mean * (1 + 0.5 * contrast * $0 / peak) })
  }

  /// The source `f` at the grid points: the unit-integral Gaussian bump of width 0.05 at
  /// `(0.3, 0.4)` or `(0.3, 0.4, 0.5)`.
  public var source: [Double] {
    let s = resolution, h = 1 / Double(s - 1), width = 0.05
    let centre = [0.3, 0.4, 0.5].prefix(dimension)
    let normalization = pow(2 * .pi * width * width, Double(dimension) / 2)
    return (0..<points).map { p in
      var (rest, squared) = (p, 0.0)
      for c in centre.reversed() {
        let x = Double(rest % s) * h - c
        squared += x * x
        rest /= s
      }
      return exp(-squared / (2 * width * width)) / normalization
    }
  }

  /// Unknowns: real and imaginary parts at every vertex, `2 s^d`.
  public var unknowns: Int { 2 * points }
  /// Complex symmetric, so its real block form is nonsymmetric (and indefinite).
  public var isSymmetricPositiveDefinite: Bool { false }
  public var hasGridLayout: Bool { false }
  /// Every system carries its complex shifted Laplacian.
  public var hasShiftedLaplacian: Bool { true }
  public var solutionIsComplex: Bool { true }
  /// The fastest solver of the generation benchmark (`opkit bench --suite generation`): in 2D
  /// UMFPACK (at mean wavenumbers 2–6, 1.1 s per 200 samples at 32², 5.0 s at 64²; SKR 1.5 s and
  /// 8.0 s; at 8–16 GMRES with the shifted Laplacian only ties it at 64² and 128²); on the cube
  /// GMRES(40) with the shifted-Laplacian cycle (``fastestPreconditioner``), at any wavenumber:
  /// ILU(0) fails there from mean wavenumbers 8 on (one sample at 32³ took SKR 300 s), and
  /// UMFPACK's fill grows as `n^{4/3}` (112 s and 8.4 GB per sample at 48³).
  public var fastestSolver: DatasetSolver { dimension == 3 ? .independent(.gmres) : .independent(.umfpack) }

  /// The shifted-Laplacian multigrid cycle on the cube, ILU(0) in 2D.
  public var fastestPreconditioner: PreconditionerKind { dimension == 3 ? .shiftedLaplacian : .ilu }

  /// The wavenumber field `k` of sample `index` (the parameter field SKR sorts by).
  public func coefficient(index: Int, seed: UInt64) -> [Double] { wavenumber(index: index, seed: seed) }

  /// The real form of the complex system `(A − iC) u = f` for the wavenumber field `k` (`s^d`,
  /// positive): unknowns interleaved per grid point, `x[2p] = Re u_p`, `x[2p+1] = Im u_p`, so
  /// each complex entry `a − ib` is the 2×2 block `[[a, b], [−b, a]]`. Every block of the
  /// pattern is stored whole (explicit zeros included), which makes ILU(0) of this matrix the
  /// complex ILU(0) of `A − iC` — on the `[[A, C], [−C, A]]` ordering ILU(0) stalls GMRES.
  /// The system's ``SampledSystem/shiftedLaplacian`` is `A − i(C + β k² V)` in the same form
  /// (`V` the control volumes, `β` = ``ShiftedLaplacian/standardShift``).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a field of the wrong size; `GridError`
  ///   from assembly.
  public func system(coefficient k: [Double]) throws -> SampledSystem {
    try system(coefficient: k, shift: ShiftedLaplacian.standardShift)
  }

  /// The system with its shifted Laplacian damped by `shift` (β).
  func system(coefficient k: [Double], shift beta: Double) throws -> SampledSystem {
    let s = resolution, n = points, d = dimension
    guard k.count == n else {
      throw DatasetError.invalidParameter("wavenumber field has \(k.count) values, expected \(s)^\(d) = \(n)")
    }
    let grid = try UniformGrid(cellCounts: Array(repeating: s - 1, count: d))
    let helmholtz = try GridSystem.helmholtz(
      grid: grid, wavenumber: .values(k), source: .values(source), boundary: .all(.neumann(0), dimension: d))
    let a = CSRMatrix(helmholtz.matrix)
    let (impedance, volume) = diagonalTerms(wavenumber: k)
    let matrix = try Self.interleaved(a, imaginaryDiagonal: impedance)
    // The shifted operator differs only in the off-diagonal entries of the diagonal blocks.
    var shifted = matrix
    for p in 0..<n {
      let damping = beta * k[p] * k[p] * volume[p]
      for (row, column, sign) in [(2 * p, 2 * p + 1, 1.0), (2 * p + 1, 2 * p, -1.0)] {
        for e in Int(matrix.rowPointers[row])..<Int(matrix.rowPointers[row + 1]) where Int(matrix.columnIndices[e]) == column {
          shifted.values[e] += sign * damping
        }
      }
    }
    let rhs = helmholtz.rightHandSide.flatMap { [$0, 0.0] }
    return SampledSystem(
      matrix: matrix, rightHandSide: rhs, layout: nil,
      shiftedLaplacian: ShiftedLaplacian(matrix: shifted, layout: helmholtz.layout, shift: beta))
  }

  /// The real interleaved form of the complex matrix `A − i diag(c)` (`A` real): each entry
  /// `a − ib` becomes the whole 2×2 block `[[a, b], [−b, a]]`.
  private static func interleaved(_ a: CSRMatrix, imaginaryDiagonal c: [Double]) throws -> CSRMatrix {
    var blocks = COOMatrix(rowCount: 2 * a.rowCount, columnCount: 2 * a.columnCount, reserve: 4 * a.values.count)
    for row in 0..<a.rowCount {
      for e in Int(a.rowPointers[row])..<Int(a.rowPointers[row + 1]) {
        let column = Int(a.columnIndices[e])
        let b = column == row ? c[row] : 0
        blocks.append(row: 2 * row, column: 2 * column, value: a.values[e])
        blocks.append(row: 2 * row, column: 2 * column + 1, value: b)
        blocks.append(row: 2 * row + 1, column: 2 * column, value: -b)
        blocks.append(row: 2 * row + 1, column: 2 * column + 1, value: a.values[e])
      }
    }
    return try CSRMatrix(blocks)
  }

  /// The diagonal `C` of the absorbing boundary and the control volumes `V / h^d` of the
  /// vertices (`Π_a w_a`, `w_a` = ½ on a side of axis `a`, else 1). Each absorbing face of vertex
  /// `p` contributes `k_p · (face area / h^d)` to `C`, where the face on a side of axis `a` spans
  /// the control volume along the other axes, so `k_p Π_{b≠a} w_b / h`.
  func diagonalTerms(wavenumber k: [Double]) -> (impedance: [Double], volume: [Double]) {
    let s = resolution, h = 1 / Double(s - 1)
    var impedance = [Double](repeating: 0, count: points), volume = [Double](repeating: 1, count: points)
    for p in 0..<points {
      var (rest, onSide) = (p, [Bool](repeating: false, count: dimension))
      for axis in (0..<dimension).reversed() {
        onSide[axis] = rest % s == 0 || rest % s == s - 1
        rest /= s
        if onSide[axis] { volume[p] *= 0.5 }
      }
      for a in absorbingAxes where onSide[a] {
        let face = (0..<dimension).reduce(1.0) { area, b in b == a || !onSide[b] ? area : area * 0.5 }
        impedance[p] += face / h
      }
      impedance[p] *= k[p]
    }
    return (impedance, volume)
  }

  /// The complex field from the interleaved unknowns: (real, imaginary) per grid point, as is.
  public func fullField(unknowns x: [Double]) -> [Double] { x }

  public func describe(_ metadata: inout DatasetMetadata) {
    metadata.boundary = absorbingAxes.count == dimension ? .absorbing : .absorbingEnds
    if dimension == 3 { metadata.dimension = 3 }
    metadata.geometry = .open
    metadata.alpha = field.alpha
    metadata.tau = field.tau
    let axes = dimension == 3 ? "s, s, s" : "s, s"
    metadata.coefficient = "float32 k (N, \(axes)) = k̄(1 + ½ c g/max|g|), k̄ uniform in [k_min, k_max]"
    metadata.solution = "complex64 u (N, \(axes)) with -Δu - k²u = f, ∂u/∂n - iku = 0"
    metadata.parameters = ["k_min": wavenumbers.lowerBound, "k_max": wavenumbers.upperBound, "contrast": contrast]
  }

  /// Solves for the complex field by UMFPACK: real and imaginary parts, each `s^d` row-major.
  /// - Throws: `GridError`/`SparseError` from assembly or the factorization;
  ///   ``DatasetError/solveFailed(sample:message:)`` if the residual exceeds `1e-8`.
  public func solve(wavenumber k: [Double], sample: Int = 0) throws -> (real: [Double], imaginary: [Double]) {
    let n = points
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
