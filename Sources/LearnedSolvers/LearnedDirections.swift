import Krylov
import Sparse
import Tensors

/// A trained ``DCDMNetwork`` as the direction map of ``ConjugateDirections``: `r ↦ f(r / ‖r‖)`
/// on the grid, zero in solid cells. Conforms to `Preconditioner` (Krylov's residual-to-vector
/// protocol) but is neither linear nor symmetric — use it with ``ConjugateDirections``, not CG.
///
/// The network runs in `Float` on the residual scaled to unit norm (the map is positively
/// homogeneous, so the scale only guards the `Float` range). If it fails or returns a
/// non-finite value the direction is filled with NaN, which the solver detects and replaces by
/// the residual.
public final class LearnedDirections: Preconditioner {
  /// The network.
  public let network: DCDMNetwork
  /// The grid of unknowns (row-major), `n₁ × …`.
  public let shape: [Int]
  /// Solid cells, where directions are zero; nil for the plain box.
  public let solid: [Bool]?
  /// Network evaluations so far.
  public private(set) var evaluations = 0

  /// The map for grid `shape` (as many axes as the network's dimension).
  /// - Throws: ``DCDMError/shapeMismatch(_:)`` for another dimension or a mask of another size.
  public init(network: DCDMNetwork, shape: [Int], solid: [Bool]? = nil) throws {
    guard shape.count == network.configuration.dimension else {
      throw DCDMError.shapeMismatch("a \(network.configuration.dimension)D network cannot solve on the \(shape.count)D grid \(shape)")
    }
    let n = shape.reduce(1, *)
    if let solid, solid.count != n { throw DCDMError.shapeMismatch("mask has \(solid.count) cells, grid \(shape) has \(n)") }
    self.network = network
    self.shape = shape
    self.solid = solid
  }

  public func apply(_ r: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) {
    evaluations += 1
    let norm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard norm > 0, norm.isFinite,
      let input = try? Tensor(shape: [1, 1] + shape, scalars: r.map { Float($0 / norm) }),
      let direction = try? network.direction(input)
    else {
      for i in 0..<z.count { z[i] = .nan }
      return
    }
    direction.scalars.withUnsafeBufferPointer { d in
      for i in 0..<z.count { z[i] = (solid?[i] ?? false) ? 0 : Double(d[i]) }
    }
  }
}

/// The solve methods `LearnedSolvers` adds to Krylov's (``SolveMethod``): each needs a trained
/// network. The raw values are the names `opkit solve --method` accepts.
public enum LearnedSolveMethod: String, Sendable, CaseIterable, Codable {
  /// Conjugate directions from a trained ``DCDMNetwork`` (Kaneda et al. 2023; SPD systems on grids).
  case dcdm
}

extension SystemSolver {
  /// Solves the grid system `matrix · x = rightHandSide` by DCDM: conjugate directions from
  /// `network`'s map of the residual, zero in `solid` cells.
  /// - Throws: ``DCDMError`` when the network does not fit the grid; ``KrylovError`` for a size
  ///   mismatch.
  public static func solve(
    _ matrix: CSRMatrix, rightHandSide b: [Double], network: DCDMNetwork, shape: [Int], solid: [Bool]? = nil,
    orthogonalizeAgainst: Int = 2, options: SolverOptions = SolverOptions()
  ) throws -> SystemSolution {
    let directions = try LearnedDirections(network: network, shape: shape, solid: solid)
    return try solve(matrix, rightHandSide: b, directions: directions, orthogonalizeAgainst: orthogonalizeAgainst, options: options)
  }
}
