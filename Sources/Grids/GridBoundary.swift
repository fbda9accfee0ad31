/// A boundary condition on one side of a box domain, for `−div(a ∇u) = f`.
public enum BoundaryCondition: Sendable, Equatable, Codable {
  /// `u = value` on the side.
  case dirichlet(Double)
  /// `a ∂u/∂n = flux` on the side, with `n` the outward normal (0: insulated wall).
  case neumann(Double)

  /// True for a Dirichlet condition.
  public var isDirichlet: Bool {
    if case .dirichlet = self { return true }
    return false
  }
}

/// The boundary conditions on the `2·d` sides of a box: `low[k]` at `x_k = 0`, `high[k]` at
/// `x_k = L_k`.
public struct GridBoundary: Sendable, Equatable, Codable {
  /// Condition on the side `x_k = 0`, per axis.
  public var low: [BoundaryCondition]
  /// Condition on the side `x_k = L_k`, per axis.
  public var high: [BoundaryCondition]

  /// Per-side conditions; `low` and `high` need one entry per axis.
  public init(low: [BoundaryCondition], high: [BoundaryCondition]) {
    self.low = low
    self.high = high
  }

  /// The same condition on every side of a `dimension`-dimensional box.
  public static func all(_ condition: BoundaryCondition, dimension: Int) -> GridBoundary {
    GridBoundary(
      low: Array(repeating: condition, count: dimension),
      high: Array(repeating: condition, count: dimension))
  }

  /// Homogeneous Dirichlet (`u = 0`) on every side: the default for Poisson problems.
  public static func zeroDirichlet(dimension: Int) -> GridBoundary {
    .all(.dirichlet(0), dimension: dimension)
  }
}

/// Which grid points of a ``UniformGrid`` are unknowns under given boundary conditions.
///
/// Cell-centred grids make every cell an unknown. Vertex grids make every vertex an unknown except
/// the boundary vertices of Dirichlet sides, whose values are known. Unknowns are numbered
/// row-major over ``unknownCounts`` (last axis fastest).
public struct GridLayout: Sendable, Equatable {
  /// The grid.
  public let grid: UniformGrid
  /// The boundary conditions.
  public let boundary: GridBoundary
  /// Grid-point index of the first unknown along each axis.
  public let firstPoint: [Int]
  /// Number of unknowns along each axis.
  public let unknownCounts: [Int]

  /// Lays out the unknowns of `grid` under `boundary`.
  /// - Throws: ``GridError/invalidShape(_:)`` if the boundary has the wrong number of sides or a
  ///   vertex grid would be left with no unknown along an axis.
  public init(grid: UniformGrid, boundary: GridBoundary) throws {
    guard boundary.low.count == grid.dimension, boundary.high.count == grid.dimension else {
      throw GridError.invalidShape(
        "boundary has \(boundary.low.count)/\(boundary.high.count) sides for a \(grid.dimension)D grid")
    }
    var first = [Int](), counts = [Int]()
    for axis in 0..<grid.dimension {
      if grid.centring == .cell {
        first.append(0)
        counts.append(grid.cellCounts[axis])
      } else {
        let lo = boundary.low[axis].isDirichlet ? 1 : 0
        let hi = boundary.high[axis].isDirichlet ? grid.cellCounts[axis] - 1 : grid.cellCounts[axis]
        guard hi >= lo else {
          throw GridError.invalidShape(
            "axis \(axis) has \(grid.cellCounts[axis]) cell(s) and no interior vertex")
        }
        first.append(lo)
        counts.append(hi - lo + 1)
      }
    }
    self.grid = grid
    self.boundary = boundary
    self.firstPoint = first
    self.unknownCounts = counts
  }

  /// Total number of unknowns.
  public var unknownCount: Int { unknownCounts.reduce(1, *) }

  /// Distance between consecutive unknowns (flat index) along each axis.
  public var strides: [Int] {
    var s = Array(repeating: 1, count: unknownCounts.count)
    for axis in stride(from: unknownCounts.count - 2, through: 0, by: -1) {
      s[axis] = s[axis + 1] * unknownCounts[axis + 1]
    }
    return s
  }

  /// Coordinates of the unknowns along `axis`, in order.
  public func unknownCoordinates(axis: Int) -> [Double] {
    (0..<unknownCounts[axis]).map { grid.coordinate(firstPoint[axis] + $0, axis: axis) }
  }

}
