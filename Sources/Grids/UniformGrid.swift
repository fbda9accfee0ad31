/// A uniform tensor-product grid on the box `[0, L₀] × … × [0, L_{d−1}]`, in 1, 2 or 3 dimensions.
///
/// The grid is described by its number of *cells* per axis and where the unknowns sit:
/// - ``GridCentring/vertex``: grid points are the `cellCount + 1` vertices per axis, at `x_i = i·h`;
/// - ``GridCentring/cell``: grid points are the `cellCount` cell centres, at `x_i = (i + ½)·h`;
///
/// with spacing `h = L / cellCount` on each axis. Which grid points are unknowns depends on the
/// boundary conditions (see ``GridLayout``). Arrays over grid points are row-major, last axis
/// fastest, matching numpy's default.
public struct UniformGrid: Sendable, Equatable, Codable {
  /// Number of cells along each axis (1 to 3 axes, each ≥ 1).
  public let cellCounts: [Int]
  /// Length of the domain along each axis (default 1: the unit box).
  public let lengths: [Double]
  /// Whether grid points are vertices or cell centres.
  public let centring: GridCentring

  /// Creates a grid with `cellCounts[k]` cells along axis `k` over `[0, lengths[k]]`.
  /// - Throws: ``GridError/invalidShape(_:)`` for 0 or more than 3 axes, a count below 1, or a
  ///   non-positive length.
  public init(cellCounts: [Int], lengths: [Double]? = nil, centring: GridCentring = .vertex) throws {
    let lengths = lengths ?? Array(repeating: 1.0, count: cellCounts.count)
    guard (1...3).contains(cellCounts.count) else {
      throw GridError.invalidShape("a grid has 1 to 3 axes, got \(cellCounts.count)")
    }
    guard lengths.count == cellCounts.count else {
      throw GridError.invalidShape("\(cellCounts.count) cell counts but \(lengths.count) lengths")
    }
    if let bad = cellCounts.first(where: { $0 < 1 }) {
      throw GridError.invalidShape("cell counts must be at least 1, got \(bad)")
    }
    if let bad = lengths.first(where: { !($0 > 0 && $0.isFinite) }) {
      throw GridError.invalidShape("axis lengths must be positive and finite, got \(bad)")
    }
    self.cellCounts = cellCounts
    self.lengths = lengths
    self.centring = centring
  }

  /// Number of axes, 1 to 3.
  public var dimension: Int { cellCounts.count }

  /// Grid spacing `h_k = L_k / cellCount_k` along each axis.
  public var spacing: [Double] { zip(lengths, cellCounts).map { $0 / Double($1) } }

  /// Number of grid points along each axis: `cellCount + 1` vertices or `cellCount` centres.
  public var pointCounts: [Int] { cellCounts.map { centring == .vertex ? $0 + 1 : $0 } }

  /// Coordinate of grid point `index` along `axis`.
  public func coordinate(_ index: Int, axis: Int) -> Double {
    let h = lengths[axis] / Double(cellCounts[axis])
    return centring == .vertex ? Double(index) * h : (Double(index) + 0.5) * h
  }
}

/// Where the grid points of a ``UniformGrid`` sit.
public enum GridCentring: String, Sendable, Codable, CaseIterable {
  /// Unknowns at the vertices (finite differences; Dirichlet values sit on boundary vertices).
  case vertex
  /// Unknowns at cell centres (finite volumes; boundary values act on boundary faces).
  case cell
}

/// Errors from building grids and discretizations: each message names the offending value.
public enum GridError: Error, Equatable, CustomStringConvertible {
  /// A grid shape, axis count or length that cannot describe a grid.
  case invalidShape(String)
  /// A field (coefficient, source, wavenumber) of the wrong size or with invalid values.
  case invalidField(String)
  /// A combination the discretization does not support.
  case unsupported(String)

  public var description: String {
    switch self {
    case .invalidShape(let m): return "invalid grid: \(m)"
    case .invalidField(let m): return "invalid field: \(m)"
    case .unsupported(let m): return "unsupported: \(m)"
    }
  }
}
