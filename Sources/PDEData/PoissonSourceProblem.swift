import Datasets
import Foundation
import Grids
import Sparse
import Tensors

/// Poisson's equation with random sources: `−Δu = f` on `[0, 1]^d` (`d` = 2 or 3), `u = 0` on the
/// boundary, `f` a ``GaussianRandomField`` sample (`α = 2`, `τ = 3`, scaled by 100 so that `u` is
/// of order one). The operator is the same for every sample and only the right-hand side changes —
/// the family where a recycled subspace (or one factorization) serves every system. Fields live on
/// the `s^d` vertex grid including the boundary, `h = 1/(s − 1)`; `coeff.npy` holds `f`.
public struct PoissonSourceProblem: SampledSystemFamily {
  public static let family = DatasetFamily.poisson
  /// Grid points per side.
  public let resolution: Int
  /// The sampler of the source.
  public let field: GaussianRandomField
  /// The factor applied to the field samples.
  public static let sourceScale = 100.0

  /// A family at resolution `s ≥ 3` in `dimension` 2 or 3.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` otherwise.
  public init(resolution: Int, dimension: Int = 2) throws {
    guard resolution >= 3 else { throw DatasetError.invalidParameter("resolution must be at least 3, got \(resolution)") }
    guard dimension == 2 || dimension == 3 else { throw DatasetError.invalidParameter("dimension must be 2 or 3, got \(dimension)") }
    self.resolution = resolution
    field = GaussianRandomField(size: resolution, dimension: dimension)
  }

  /// Space dimension `d`.
  public var dimension: Int { field.dimension }
  /// `[s, s]` or `[s, s, s]`.
  public var fieldShape: [Int] { field.shape }
  /// Unknowns: the interior points, `(s − 2)^d`.
  public var unknowns: Int { fieldShape.map { $0 - 2 }.reduce(1, *) }
  public var isSymmetricPositiveDefinite: Bool { true }
  public var hasGridLayout: Bool { true }
  public var solutionIsComplex: Bool { false }
  /// Multigrid PCG, as for the other Laplacian-like families (CHOLMOD in 3D grows too fast).
  public var fastestSolver: DatasetSolver { .independent(.pcgMultigrid) }

  /// The source `f` of sample `index` under `seed`, row-major over ``fieldShape``.
  public func coefficient(index: Int, seed: UInt64) -> [Double] {
    var generator = SplitMix64(seed: seed &+ 0x94D0_49BB_1331_11EB &* UInt64(index + 1))
    return field.sample(using: &generator).map { Self.sourceScale * $0 }
  }

  /// The five-point (seven-point in 3D) finite-volume system `−Δu = f`, zero Dirichlet.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a source of the wrong size.
  public func system(coefficient f: [Double]) throws -> SampledSystem {
    let points = fieldShape.reduce(1, *)
    guard f.count == points else { throw DatasetError.invalidParameter("source has \(f.count) values, expected \(fieldShape) = \(points)") }
    let grid = try UniformGrid(cellCounts: Array(repeating: resolution - 1, count: dimension))
    let assembled = try GridSystem.diffusion(grid: grid, source: .values(f))
    return SampledSystem(matrix: CSRMatrix(assembled.matrix), rightHandSide: assembled.rightHandSide, layout: assembled.layout)
  }

  /// The solution on the full grid (zero on the boundary).
  public func fullField(unknowns u: [Double]) -> [Double] { embedInterior(u, resolution: resolution, dimension: dimension) }

  public func describe(_ metadata: inout DatasetMetadata) {
    metadata.boundary = .dirichlet
    metadata.alpha = field.alpha
    metadata.tau = field.tau
    metadata.coefficient = "float32 f (N, s, s[, s]) = 100 g, g ~ GRF(α, τ)"
    metadata.solution = "float32 u (N, s, s[, s]): −Δu = f, u = 0 on the boundary"
    if dimension == 3 { metadata.dimension = 3 }
  }
}
