import Datasets
import Foundation
import Grids
import Krylov
import Sparse
import Tensors

/// The Darcy benchmark family: a piecewise-constant coefficient `a = 12` where a Gaussian random
/// field is non-negative and `a = 3` elsewhere, mapped to the solution `u` of a diffusion problem
/// on `[0, 1]²` whose boundary conditions ``DarcyBoundary`` chooses. Fields live on an `s × s`
/// grid: the vertex grid including the boundary (`h = 1/(s − 1)`) like the standard benchmark
/// files, or for ``DarcyBoundary/periodic`` the `s` distinct points `x_i = i/s` of the torus.
public struct DarcyProblem: SampledSystemFamily {
  public static let family = DatasetFamily.darcy
  /// Grid points per side.
  public let resolution: Int
  /// The boundary conditions (and with them the equation and the grid).
  public let boundary: DarcyBoundary
  /// The field sampler.
  public let field: GaussianRandomField
  /// Space dimension: 2, or 3 for the cube `[0, 1]³` (Dirichlet only).
  public var dimension: Int { field.dimension }

  /// A family at resolution `s ≥ 3` in `dimension` 2 or 3 (3D: `s³` fields, Dirichlet boundary).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` otherwise.
  public init(resolution: Int, boundary: DarcyBoundary = .dirichlet, dimension: Int = 2) throws {
    guard resolution >= 3 else { throw DatasetError.invalidParameter("resolution must be at least 3, got \(resolution)") }
    guard dimension == 2 || (dimension == 3 && boundary == .dirichlet) else {
      throw DatasetError.invalidParameter("Darcy runs in 2D, or in 3D with the Dirichlet boundary; got dimension \(dimension), \(boundary)")
    }
    self.resolution = resolution
    self.boundary = boundary
    field = GaussianRandomField(size: resolution, dimension: dimension)
  }

  /// `[s, s]` or `[s, s, s]`.
  public var fieldShape: [Int] { field.shape }

  /// The coefficient of sample `index` under `seed`: `s × s` values in {3, 12}. Samples are
  /// addressed by index, so any subset can be generated in any order or on any machine.
  public func coefficient(index: Int, seed: UInt64) -> [Double] {
    var generator = DarcyProblem.generator(index: index, seed: seed)
    return field.sample(using: &generator).map { $0 >= 0 ? 12 : 3 }
  }

  /// The random numbers of sample `index`: its own stream of `seed`
  /// (``SamplingScheme/indexStreams``), independent of every other sample's.
  static func generator(index: Int, seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed, stream: UInt64(index)) }

  /// Unknowns of each system: `(s − 2)²` (Dirichlet), `s (s − 2)` (Neumann), `s² − 1` (periodic,
  /// one point pinned).
  public var unknowns: Int {
    let s = resolution
    switch boundary {
    case .dirichlet: return dimension == 3 ? (s - 2) * (s - 2) * (s - 2) : (s - 2) * (s - 2)
    case .neumann: return s * (s - 2)
    case .periodic: return s * s - 1
    }
  }

  /// The linear system for a coefficient field (`s × s` values, row-major).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a field of the wrong size or with a
  ///   non-positive value; `GridError`/`SparseError` from assembly.
  public func system(coefficient a: [Double]) throws -> SampledSystem {
    let s = resolution, points = fieldShape.reduce(1, *)
    guard a.count == points else {
      throw DatasetError.invalidParameter("coefficient has \(a.count) values, expected \(fieldShape) = \(points)")
    }
    if boundary == .periodic { return try periodicSystem(coefficient: a) }
    let grid = try UniformGrid(cellCounts: Array(repeating: s - 1, count: dimension))
    let sides: GridBoundary =
      boundary == .dirichlet
      ? .zeroDirichlet(dimension: dimension) : GridBoundary(low: [.neumann(0), .dirichlet(0)], high: [.neumann(0), .dirichlet(0)])
    let assembled = try GridSystem.diffusion(grid: grid, coefficient: .values(a), source: .constant(1), boundary: sides)
    return SampledSystem(matrix: CSRMatrix(assembled.matrix), rightHandSide: assembled.rightHandSide, layout: assembled.layout)
  }

  /// The cell problem on the torus, `−div(a ∇u) = ∂a/∂x`: five-point finite volumes whose face
  /// coefficients are harmonic means of the neighbouring point values, wrapping around both
  /// axes, with the source `(a_{i+½,j} − a_{i−½,j}) / h` from the same face values. The solution
  /// is unique up to a constant; the unknown at point 0 is pinned to zero (leaving an SPD
  /// system of `s² − 1` unknowns) and ``fullField(unknowns:)`` shifts the result to mean zero.
  private func periodicSystem(coefficient a: [Double]) throws -> SampledSystem {
    let s = resolution, h = 1 / Double(s)
    func face(_ p: Int, _ q: Int) -> Double { 2 * a[p] * a[q] / (a[p] + a[q]) }
    var coo = COOMatrix(rowCount: s * s - 1, columnCount: s * s - 1, reserve: 5 * s * s)
    var rhs = [Double](repeating: 0, count: s * s - 1)
    for i in 0..<s {
      for j in 0..<s where i + j > 0 {
        let p = i * s + j
        let up = ((i + 1) % s) * s + j, down = ((i + s - 1) % s) * s + j
        for q in [up, down, i * s + (j + 1) % s, i * s + (j + s - 1) % s] {
          let c = face(p, q) / (h * h)
          coo.append(row: p - 1, column: p - 1, value: c)
          if q != 0 { coo.append(row: p - 1, column: q - 1, value: -c) }
        }
        rhs[p - 1] = (face(p, up) - face(p, down)) / h
      }
    }
    return SampledSystem(matrix: try CSRMatrix(coo), rightHandSide: rhs, layout: nil)
  }

  /// SPD for every boundary (the periodic problem has one point pinned).
  public var isSymmetricPositiveDefinite: Bool { true }
  /// False only on the torus: the multigrid hierarchy has no wrap-around transfers.
  public var hasGridLayout: Bool { boundary != .periodic }

  /// `1/s` on the torus (points `i/s`), `1/(s − 1)` on the vertex grid of the unit square.
  public var spacing: Double { 1 / Double(boundary == .periodic ? resolution : resolution - 1) }
  /// Real.
  public var solutionIsComplex: Bool { false }

  /// The fastest solver of the generation benchmark (`opkit bench --suite generation
  /// --samples 200`, two cores): multigrid PCG (1.1 s at 64², 2.5 s at 128², against CHOLMOD's
  /// 1.5 s and 5.1 s), and CHOLMOD for the periodic cell problem, which has no geometric
  /// multigrid hierarchy.
  public var fastestSolver: DatasetSolver { .independent(boundary == .periodic ? .cholmod : .pcgMultigrid) }

  public func describe(_ metadata: inout DatasetMetadata) {
    metadata.boundary = boundary.recorded
    metadata.alpha = field.alpha
    metadata.tau = field.tau
    metadata.coefficientValues = [3, 12]
    metadata.sampling = .indexStreams
    if dimension == 3 { metadata.dimension = 3 }
  }

  /// The solution on the full `s × s` grid from the system's unknowns (zeros on Dirichlet sides).
  public func fullField(unknowns u: [Double]) -> [Double] {
    let s = resolution
    switch boundary {
    case .periodic:
      let full = [0] + u, mean = full.reduce(0, +) / Double(full.count)
      return full.map { $0 - mean }
    case .dirichlet where dimension == 3:
      return embedInterior(u, resolution: s, dimension: 3)
    case .dirichlet, .neumann:
      let firstRow = boundary == .neumann ? 0 : 1, rows = boundary == .neumann ? s : s - 2, n = s - 2
      var full = [Double](repeating: 0, count: s * s)
      for i in 0..<rows { for j in 0..<n { full[(i + firstRow) * s + j + 1] = u[i * n + j] } }
      return full
    }
  }
}

/// The boundary conditions of a ``DarcyProblem``; they decide which padding a convolutional
/// operator such as MgNO should use (zero, reflect, circular).
public enum DarcyBoundary: String, Sendable, CaseIterable, Codable {
  /// `−div(a ∇u) = 1`, `u = 0` on all four sides: the standard benchmark.
  case dirichlet
  /// `−div(a ∇u) = 1` with insulated walls `a ∂u/∂n = 0` at `x = 0, 1` (the first array axis)
  /// and `u = 0` at `y = 0, 1`.
  case neumann
  /// The periodic cell problem of homogenization on the unit torus: the corrector `u` with
  /// `−div(a (e₁ + ∇u)) = 0` and mean zero (`a (e₁ + ∇u)` is the flux under a unit mean gradient
  /// along the first array axis). The coefficient field is read as a field on the torus; the map
  /// `a ↦ u` commutes with circular shifts.
  case periodic

  /// The boundary condition `meta.json` records.
  public var recorded: DatasetBoundary {
    switch self {
    case .dirichlet: .dirichlet
    case .neumann: .neumann
    case .periodic: .periodic
    }
  }
}

/// Errors from data generation; messages name the parameter or file.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
  /// A parameter outside its range.
  case invalidParameter(String)
  /// A solve that did not meet the tolerance.
  case solveFailed(sample: Int, message: String)

  public var description: String {
    switch self {
    case .invalidParameter(let m): return "invalid parameter: \(m)"
    case .solveFailed(let i, let m): return "sample \(i): \(m)"
    }
  }
}

/// The `s^d` field that is zero on the boundary of the vertex grid and `u` (row-major over the
/// `(s − 2)^d` interior points) inside.
func embedInterior(_ u: [Double], resolution s: Int, dimension: Int) -> [Double] {
  let n = s - 2
  var full = [Double](repeating: 0, count: Int(pow(Double(s), Double(dimension)).rounded()))
  for index in 0..<u.count {
    var (rest, target, stride) = (index, 0, 1)
    for _ in 0..<dimension {
      target += (rest % n + 1) * stride
      rest /= n
      stride *= s
    }
    full[target] = u[index]
  }
  return full
}
