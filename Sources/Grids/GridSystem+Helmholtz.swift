/// The Helmholtz equation `−Δu − k(x)² u = f`, discretized as ``GridSystem/diffusion(grid:coefficient:source:boundary:)``
/// with `a = 1` and the mass term `k² u` taken over each control volume.
///
/// The matrix is symmetric and, once `k²` exceeds the smallest Laplacian eigenvalue
/// (`d·π²` on the unit box with Dirichlet sides), indefinite: use GMRES or a direct LU, not CG.
extension GridSystem {
  /// Assembles `−Δu − k² u = f`.
  /// - Parameters:
  ///   - wavenumber: `k` at the grid points (a constant wavenumber or a field `ω / c(x)`).
  /// - Throws: ``GridError`` for fields of the wrong size or non-finite values.
  public static func helmholtz(
    grid: UniformGrid, wavenumber: GridField, source: GridField = .constant(1),
    boundary: GridBoundary? = nil
  ) throws -> GridSystem {
    var system = try diffusion(grid: grid, coefficient: .constant(1), source: source, boundary: boundary)
    let k = try wavenumber.sampled(on: grid, name: "wavenumber")
    let layout = system.layout
    layout.forEachUnknown { i, _, point in
      let volume = layout.volumeWeights(point: point).reduce(1, *)
      let kp = k[layout.flatPoint(point)]
      system.matrix.diagonal[i] -= kp * kp * volume
    }
    return system
  }
}
