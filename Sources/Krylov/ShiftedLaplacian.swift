import Grids
import Sparse

/// The complex shifted Laplacian of a Helmholtz system `(−Δ − k²) u = f`: the same operator with
/// the mass term damped, `−Δ − (1 + βi) k²`, the same boundary conditions, in the system's real
/// interleaved form (`x[2p] = Re u_p`, `x[2p+1] = Im u_p`), on the grid of its points. Unlike the
/// Helmholtz operator it is far from singular on every grid of a multigrid hierarchy, so one
/// V-cycle approximates its inverse well — and that inverse is close enough to the Helmholtz
/// inverse to precondition GMRES or SKR at wavenumbers where ILU(0) fails
/// (``PreconditionerKind/shiftedLaplacian``). The sign of `β` matches the damping of the
/// boundary's radiation condition, so both push the spectrum to the same half-plane.
///
/// References: Erlangga, Oosterlee & Vuik 2006, "A novel multigrid based preconditioner for
/// heterogeneous Helmholtz problems", SIAM J. Sci. Comput. 27(4) (β = ½, multigrid on the
/// shifted operator); van Gijzen, Erlangga & Vuik 2007, "Spectral analysis of the discrete
/// Helmholtz operator preconditioned with a shifted Laplacian".
public struct ShiftedLaplacian: Sendable {
  /// The shifted operator, `2n × 2n` for `n` grid points, interleaved like the system.
  public var matrix: CSRMatrix
  /// The grid of the `n` points (one complex unknown each).
  public var layout: GridLayout
  /// The damping `β` of the shifted mass term.
  public var shift: Double

  /// The shifted operator `matrix` of a Helmholtz system on `layout`, damped by `shift`.
  public init(matrix: CSRMatrix, layout: GridLayout, shift: Double) {
    (self.matrix, self.layout, self.shift) = (matrix, layout, shift)
  }

  /// The damping of Erlangga, Oosterlee & Vuik: `β = ½`.
  public static let standardShift = 0.5

  /// One multigrid V-cycle on the shifted operator: Galerkin coarse operators, complex
  /// Gauss–Seidel smoothing (``MultigridPreconditioner`` with two unknowns per point).
  /// - Throws: ``KrylovError`` if the matrix does not fit the grid or a diagonal block is singular.
  public func multigridCycle() throws -> MultigridPreconditioner {
    try MultigridPreconditioner(matrix: matrix, layout: layout, options: .init(componentsPerPoint: 2))
  }
}
