/// Steady convection–diffusion `−ε Δu + v·∇u = f` on a vertex grid with Dirichlet sides.
///
/// Diffusion is the 5/7-point stencil scaled by `ε`; convection uses central differences
/// (second order, oscillates once the cell Péclet number `|v| h / (2ε)` exceeds 1) or first-order
/// upwinding (monotone, first order). The matrix is nonsymmetric whenever `v ≠ 0`.
extension GridSystem {
  /// How the convection term `v·∇u` is differenced.
  public enum ConvectionScheme: String, Sendable, CaseIterable, Codable {
    /// `v_k (u_{i+1} − u_{i−1}) / 2h`: second order.
    case central
    /// One-sided difference against the flow: first order, stable at any Péclet number.
    case upwind
  }

  /// Assembles `−ε Δu + v·∇u = f`.
  /// - Parameters:
  ///   - diffusivity: `ε > 0`.
  ///   - velocity: one field per axis, `v_k` at the grid points.
  ///   - scheme: how `v·∇u` is differenced.
  /// - Throws: ``GridError/unsupported(_:)`` for cell-centred grids or Neumann sides;
  ///   ``GridError/invalidField(_:)`` for a non-positive `ε` or fields of the wrong size.
  public static func convectionDiffusion(
    grid: UniformGrid, diffusivity: Double, velocity: [GridField], source: GridField = .constant(1),
    boundary: GridBoundary? = nil, scheme: ConvectionScheme = .central
  ) throws -> GridSystem {
    let boundary = boundary ?? .zeroDirichlet(dimension: grid.dimension)
    guard grid.centring == .vertex, (boundary.low + boundary.high).allSatisfy(\.isDirichlet) else {
      throw GridError.unsupported("convection-diffusion needs a vertex grid with Dirichlet sides")
    }
    guard diffusivity > 0, diffusivity.isFinite else {
      throw GridError.invalidField("diffusivity must be positive, got \(diffusivity)")
    }
    guard velocity.count == grid.dimension else {
      throw GridError.invalidField("velocity has \(velocity.count) components for a \(grid.dimension)D grid")
    }
    var system = try diffusion(
      grid: grid, coefficient: .constant(diffusivity), source: source, boundary: boundary)
    let v = try velocity.enumerated().map { try $1.sampled(on: grid, name: "velocity[\($0)]") }
    let layout = system.layout
    let h = grid.spacing
    layout.forEachUnknown { i, index, point in
      let p = layout.flatPoint(point)
      for axis in 0..<grid.dimension {
        let vk = v[axis][p]
        // Coefficients of u_{i−1}, u_i, u_{i+1} along this axis.
        let (below, centre, above): (Double, Double, Double) =
          switch scheme {
          case .central: (-vk / (2 * h[axis]), 0, vk / (2 * h[axis]))
          case .upwind: vk > 0 ? (-vk / h[axis], vk / h[axis], 0) : (0, -vk / h[axis], vk / h[axis])
          }
        system.matrix.diagonal[i] += centre
        // Missing neighbours are boundary vertices with known values.
        if index[axis] > 0 {
          system.matrix.lower[axis][i] += below
        } else if case .dirichlet(let g) = boundary.low[axis] {
          system.rightHandSide[i] -= below * g
        }
        if index[axis] < layout.unknownCounts[axis] - 1 {
          system.matrix.upper[axis][i] += above
        } else if case .dirichlet(let g) = boundary.high[axis] {
          system.rightHandSide[i] -= above * g
        }
      }
    }
    return system
  }
}
