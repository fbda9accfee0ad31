import Grids
import Krylov
import Sparse
import Tensors

/// The Darcy benchmark: `−div(a ∇u) = 1` on `[0, 1]²`, `u = 0` on the boundary, with a
/// piecewise-constant coefficient `a = 12` where a Gaussian random field is non-negative and
/// `a = 3` elsewhere. Fields live on the `s × s` vertex grid including the boundary
/// (`h = 1/(s − 1)`), like the standard benchmark files.
public struct DarcyProblem: Sendable {
  /// Grid points per side.
  public let resolution: Int
  /// The field sampler.
  public let field: GaussianRandomField

  /// A family at resolution `s ≥ 3`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for `s < 3`.
  public init(resolution: Int) throws {
    guard resolution >= 3 else { throw DatasetError.invalidParameter("resolution must be at least 3, got \(resolution)") }
    self.resolution = resolution
    field = GaussianRandomField(size: resolution)
  }

  /// The coefficient of sample `index` under `seed`: `s × s` values in {3, 12}. Samples are
  /// addressed by index, so any subset can be generated in any order or on any machine.
  public func coefficient(index: Int, seed: UInt64) -> [Double] {
    var generator = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
    return field.sample(using: &generator).map { $0 >= 0 ? 12 : 3 }
  }

  /// Interior unknowns of each system, `(s − 2)²`.
  public var unknowns: Int { (resolution - 2) * (resolution - 2) }

  /// The linear system for a coefficient field (interior unknowns, `(s−2)²`).
  public func system(coefficient: [Double]) throws -> GridSystem {
    let grid = try UniformGrid(cellCounts: [resolution - 1, resolution - 1])
    return try GridSystem.diffusion(grid: grid, coefficient: .values(coefficient), source: .constant(1))
  }

  /// The interior solution embedded in the `s × s` grid with zero boundary values.
  public func fullField(interior: [Double]) -> [Double] {
    let s = resolution, n = s - 2
    var u = [Double](repeating: 0, count: s * s)
    for i in 0..<n { for j in 0..<n { u[(i + 1) * s + j + 1] = interior[i * n + j] } }
    return u
  }
}

/// Errors from data generation; messages name the parameter or file.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
  /// A parameter outside its range.
  case invalidParameter(String)
  /// A solve that did not meet the tolerance.
  case solveFailed(sample: Int, message: String)
  /// A dataset directory or shard that cannot be used.
  case io(path: String, message: String)

  public var description: String {
    switch self {
    case .invalidParameter(let m): return "invalid parameter: \(m)"
    case .solveFailed(let i, let m): return "sample \(i): \(m)"
    case .io(let path, let m): return "\(path): \(m)"
    }
  }
}
