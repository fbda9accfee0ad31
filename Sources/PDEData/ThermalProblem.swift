import Datasets
import Foundation
import Grids
import Sparse
import Tensors

/// Heat conduction through a random medium, one implicit step: the temperature `u` after a
/// backward-Euler step of `∂u/∂t = div(κ ∇u)` on `[0, 1]^d` (`d` = 2 or 3) with `u = 0` on the
/// boundary,
///
///     u/Δt − div(κ ∇u) = u₀/Δt,   u₀ = Π_a sin(π x_a),
///
/// for a smooth random conductivity `κ = exp(g)`, `g` a ``GaussianRandomField`` sample with
/// `α = 3`, `τ = 3` (smoother than Darcy's field; at 64² the standard deviation of `log κ` is
/// about 0.19 and `max κ / min κ` about 2 per sample, 1.3 to 3.7 over 50 samples).
/// Every system is symmetric positive definite and its matrix changes with the sample: the
/// symmetric family of SKR's comparison whose operator, unlike Poisson's, is never the same
/// twice. Fields live on the `s^d` vertex grid including the boundary, `h = 1/(s − 1)`.
///
/// Discretization: the finite-volume diffusion operator of
/// ``GridSystem/diffusion(grid:coefficient:source:boundary:)`` plus `1/Δt` on the diagonal.
public struct ThermalProblem: SampledSystemFamily {
  public static let family = DatasetFamily.thermal
  /// Grid points per side.
  public let resolution: Int
  /// The time step `Δt`.
  public let timeStep: Double
  /// The sampler of the log-conductivity.
  public let field: GaussianRandomField

  /// A family at resolution `s ≥ 3` with time step `Δt > 0` (default 0.01: `Δt/h²` is about 40
  /// at `s = 64`, so the diffusion part dominates the systems), in `dimension` 2 or 3.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` otherwise.
  public init(resolution: Int, timeStep: Double = 0.01, dimension: Int = 2) throws {
    guard resolution >= 3 else { throw DatasetError.invalidParameter("resolution must be at least 3, got \(resolution)") }
    guard dimension == 2 || dimension == 3 else { throw DatasetError.invalidParameter("dimension must be 2 or 3, got \(dimension)") }
    guard timeStep > 0, timeStep.isFinite else { throw DatasetError.invalidParameter("time step must be positive, got \(timeStep)") }
    self.resolution = resolution
    self.timeStep = timeStep
    field = GaussianRandomField(size: resolution, dimension: dimension, alpha: 3, tau: 3)
  }

  /// Space dimension `d`.
  public var dimension: Int { field.dimension }
  /// `[s, s]` or `[s, s, s]`.
  public var fieldShape: [Int] { field.shape }

  /// The conductivity `κ = exp(g)` of sample `index` under `seed`, row-major over ``fieldShape``.
  public func coefficient(index: Int, seed: UInt64) -> [Double] {
    var generator = SplitMix64(seed: seed &+ 0x2545_F491_4F6C_DD1D &* UInt64(index + 1))
    return field.sample(using: &generator).map { exp($0) }
  }

  /// Unknowns: the interior points, `(s − 2)^d`.
  public var unknowns: Int { fieldShape.map { $0 - 2 }.reduce(1, *) }
  public var isSymmetricPositiveDefinite: Bool { true }
  public var hasGridLayout: Bool { true }
  public var solutionIsComplex: Bool { false }

  /// The fastest solver of the generation benchmark (`opkit bench --suite generation --samples
  /// 200`, two cores): IC(0)-PCG up to 64² (0.83 s against multigrid PCG's 0.94 s), multigrid
  /// PCG above (3.4 s against 6.0 s at 128²) and in 3D.
  public var fastestSolver: DatasetSolver { .independent(dimension == 2 && resolution <= 64 ? .pcgIC : .pcgMultigrid) }

  /// The initial temperature `u₀ = Π_a sin(π x_a)` at the grid points.
  public var initialTemperature: [Double] {
    let s = resolution, h = 1 / Double(s - 1)
    return (0..<fieldShape.reduce(1, *)).map { p in
      var (rest, value) = (p, 1.0)
      for _ in 0..<dimension {
        value *= sin(.pi * Double(rest % s) * h)
        rest /= s
      }
      return value
    }
  }

  /// The system `(1/Δt − div(κ∇)) u = u₀/Δt` for a conductivity field (over ``fieldShape``, positive).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a field of the wrong size;
  ///   `GridError` for a non-positive conductivity (naming the point).
  public func system(coefficient kappa: [Double]) throws -> SampledSystem {
    let s = resolution, points = fieldShape.reduce(1, *)
    guard kappa.count == points else {
      throw DatasetError.invalidParameter("conductivity has \(kappa.count) values, expected \(fieldShape) = \(points)")
    }
    let grid = try UniformGrid(cellCounts: Array(repeating: s - 1, count: dimension))
    let assembled = try GridSystem.diffusion(
      grid: grid, coefficient: .values(kappa), source: .values(initialTemperature.map { $0 / timeStep }))
    var matrix = CSRMatrix(assembled.matrix)
    for row in 0..<matrix.rowCount {
      for e in Int(matrix.rowPointers[row])..<Int(matrix.rowPointers[row + 1]) where Int(matrix.columnIndices[e]) == row {
        matrix.values[e] += 1 / timeStep
      }
    }
    return SampledSystem(matrix: matrix, rightHandSide: assembled.rightHandSide, layout: assembled.layout)
  }

  /// The temperature on the full grid (zero on the boundary).
  public func fullField(unknowns u: [Double]) -> [Double] { embedInterior(u, resolution: resolution, dimension: dimension) }

  public func describe(_ metadata: inout DatasetMetadata) {
    metadata.boundary = .dirichlet
    metadata.alpha = field.alpha
    metadata.tau = field.tau
    metadata.coefficient = "float32 κ = exp(g) (N, s, s[, s]), g ~ GRF(α, τ)"
    metadata.solution = "float32 u (N, s, s[, s]): u/Δt − div(κ∇u) = u₀/Δt, u₀ = Π sin(πx_a), u = 0 on the boundary"
    metadata.parameters = ["time_step": timeStep]
    if dimension == 3 { metadata.dimension = 3 }
  }
}
