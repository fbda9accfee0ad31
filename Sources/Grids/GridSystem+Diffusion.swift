/// Finite-volume / finite-difference discretization of `−div(a ∇u) = f` on a uniform grid.
///
/// Each unknown owns the control volume of its grid point (a full cell, or half a cell per axis
/// for a vertex on a Neumann side). Fluxes across faces use the **harmonic mean** of `a` at the
/// two grid points, `2 a_i a_j / (a_i + a_j)`, which is exact for piecewise-constant layered media.
/// Rows are divided by the full cell volume `Π h_k`, so interior rows are the classical
/// `(2d+1)`-point stencil `(1/h²)·[−1 … 2d … −1]` for `a = 1`, and the matrix is symmetric in all
/// cases. Second order for smooth `a` and `u`.
///
/// Boundaries: Dirichlet values sit on boundary vertices (vertex grid) or boundary faces, half a
/// cell from the centre (cell grid); Neumann fluxes `a ∂u/∂n = g` enter the boundary faces.
extension GridSystem {
  /// Assembles `−div(a ∇u) = f`.
  /// - Parameters:
  ///   - grid: the grid; its centring decides where the unknowns sit.
  ///   - coefficient: `a`, strictly positive, at the grid points.
  ///   - source: `f` at the grid points.
  ///   - boundary: per-side conditions (default: `u = 0` everywhere).
  ///   - rows: only these rows (a rank's block of a distributed system; the right-hand side then
  ///     holds their entries); default all.
  /// - Throws: ``GridError`` if a field has the wrong size, is not finite, or `a ≤ 0` somewhere
  ///   (the message names the grid point).
  public static func diffusion(
    grid: UniformGrid, coefficient: GridField = .constant(1), source: GridField = .constant(1),
    boundary: GridBoundary? = nil, rows: Range<Int>? = nil
  ) throws -> GridSystem {
    let boundary = boundary ?? .zeroDirichlet(dimension: grid.dimension)
    let layout = try GridLayout(grid: grid, boundary: boundary)
    let a = try coefficient.sampled(on: grid, name: "coefficient")
    if let bad = a.firstIndex(where: { !($0 > 0) }) {
      throw GridError.invalidField("coefficient must be positive, got \(a[bad]) at grid point \(bad)")
    }
    let f = try source.sampled(on: grid, name: "source")
    var matrix = StencilOperator(layout: layout, rows: rows)
    let first = matrix.rows.lowerBound
    var rhs = [Double](repeating: 0, count: matrix.rows.count)
    let h = grid.spacing
    let d = grid.dimension
    let pointStrides = Self.pointStrides(grid)

    layout.forEachUnknown(in: matrix.rows) { row, index, point in
      let i = row - first
      let weights = layout.volumeWeights(point: point)
      let volume = weights.reduce(1, *)
      let p = layout.flatPoint(point)
      rhs[i] += f[p] * volume
      for axis in 0..<d {
        let face = volume / weights[axis] / h[axis]  // face area over the cell volume
        for side in [-1, 1] {
          let hasNeighbour = side < 0 ? index[axis] > 0 : index[axis] < layout.unknownCounts[axis] - 1
          if hasNeighbour {
            let q = p + side * pointStrides[axis]
            let c = harmonicMean(a[p], a[q]) * face / h[axis]
            matrix.diagonal[i] += c
            if side < 0 { matrix.lower[axis][i] = -c } else { matrix.upper[axis][i] = -c }
            continue
          }
          let condition = side < 0 ? boundary.low[axis] : boundary.high[axis]
          switch (condition, grid.centring) {
          case (.dirichlet(let g), .vertex):
            let c = harmonicMean(a[p], a[p + side * pointStrides[axis]]) * face / h[axis]
            matrix.diagonal[i] += c
            rhs[i] += c * g
          case (.dirichlet(let g), .cell):
            let c = a[p] * face / (0.5 * h[axis])
            matrix.diagonal[i] += c
            rhs[i] += c * g
          case (.neumann(let g), _):
            rhs[i] += g * face
          }
        }
      }
    }
    return GridSystem(matrix: matrix, rightHandSide: rhs)
  }

  /// Row-major strides of the grid points (not the unknowns).
  static func pointStrides(_ grid: UniformGrid) -> [Int] {
    let counts = grid.pointCounts
    var s = Array(repeating: 1, count: counts.count)
    for axis in stride(from: counts.count - 2, through: 0, by: -1) { s[axis] = s[axis + 1] * counts[axis + 1] }
    return s
  }
}

/// `2ab/(a+b)`: the effective conductivity of two equal layers in series.
@inline(__always) func harmonicMean(_ a: Double, _ b: Double) -> Double { 2 * a * b / (a + b) }
