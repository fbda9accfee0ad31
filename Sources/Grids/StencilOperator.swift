/// A linear operator on the unknowns of a ``GridLayout`` with a (2d+1)-point stencil: each unknown
/// couples to itself and to its two neighbours along every axis.
///
/// `(A u)_i = diagonal_i · u_i + Σ_k ( lower[k]_i · u_{i − s_k} + upper[k]_i · u_{i + s_k} )`, where
/// `s_k` is the stride of axis `k` (``GridLayout/strides``). Coefficients towards a neighbour that
/// does not exist (the unknown is first or last along that axis) are zero. This is the storage
/// every grid discretization produces; `Sparse` turns it into CSR, and it can also be applied
/// matrix-free.
///
/// It may hold only a contiguous block of ``rows`` (a rank's rows of a distributed system); the
/// coefficient arrays are then indexed by `i − rows.lowerBound`.
public struct StencilOperator: Sendable {
  /// The unknowns the operator acts on.
  public let layout: GridLayout
  /// The rows held (all of them unless built for a block).
  public let rows: Range<Int>
  /// Coefficient of `u_i` in row `i` (at `i − rows.lowerBound`).
  public var diagonal: [Double]
  /// `lower[k][i]`: coefficient of `u_{i − s_k}` in row `i` (the neighbour below along axis `k`).
  public var lower: [[Double]]
  /// `upper[k][i]`: coefficient of `u_{i + s_k}` in row `i` (the neighbour above along axis `k`).
  public var upper: [[Double]]

  /// A zero operator on `layout`, holding `rows` (default: all rows).
  public init(layout: GridLayout, rows: Range<Int>? = nil) {
    let rows = rows ?? 0..<layout.unknownCount
    precondition(rows.lowerBound >= 0 && rows.upperBound <= layout.unknownCount, "rows \(rows) outside 0..<\(layout.unknownCount)")
    self.layout = layout
    self.rows = rows
    diagonal = Array(repeating: 0, count: rows.count)
    lower = Array(repeating: Array(repeating: 0, count: rows.count), count: layout.grid.dimension)
    upper = lower
  }

  /// Number of unknowns (columns; also rows when all are held).
  public var size: Int { layout.unknownCount }

  /// Computes `y = A x` matrix-free. Both buffers hold ``size`` values; the operator holds all rows.
  public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    precondition(rows.count == size, "a block of rows is not applied matrix-free")
    let strides = layout.strides
    let n = size
    diagonal.withUnsafeBufferPointer { d in
      for i in 0..<n { y[i] = d[i] * x[i] }
    }
    for axis in 0..<strides.count {
      let s = strides[axis]
      lower[axis].withUnsafeBufferPointer { l in
        // Entries with no lower neighbour are zero, so starting at s covers every coupling.
        for i in s..<n { y[i] += l[i] * x[i - s] }
      }
      upper[axis].withUnsafeBufferPointer { u in
        for i in 0..<(n - s) { y[i] += u[i] * x[i + s] }
      }
    }
  }
}

extension GridLayout {
  /// Calls `body(flat, index, point)` for every unknown in row-major order (those numbered
  /// `rows`, default all): its flat number, its multi-index among the unknowns, and its
  /// multi-index among the grid points.
  public func forEachUnknown(in rows: Range<Int>? = nil, _ body: (_ flat: Int, _ index: [Int], _ point: [Int]) throws -> Void) rethrows {
    let rows = rows ?? 0..<unknownCount
    let d = unknownCounts.count
    var index = Array(repeating: 0, count: d)
    var rest = rows.lowerBound
    for axis in stride(from: d - 1, through: 0, by: -1) where unknownCounts[axis] > 0 {
      index[axis] = rest % unknownCounts[axis]
      rest /= unknownCounts[axis]
    }
    var point = zip(firstPoint, index).map { $0 + $1 }
    for flat in rows {
      try body(flat, index, point)
      var axis = d - 1
      while axis >= 0 {
        index[axis] += 1
        point[axis] += 1
        if index[axis] < unknownCounts[axis] { break }
        index[axis] = 0
        point[axis] = firstPoint[axis]
        axis -= 1
      }
    }
  }

  /// Flat row-major number of a grid point given by its multi-index.
  public func flatPoint(_ point: [Int]) -> Int {
    let counts = grid.pointCounts
    var flat = 0
    for axis in 0..<point.count { flat = flat * counts[axis] + point[axis] }
    return flat
  }

  /// Fraction of a full cell volume in the control volume of a grid point: ½ per axis on which a
  /// vertex grid point lies on the boundary (such points are unknowns only on Neumann sides).
  func volumeWeights(point: [Int]) -> [Double] {
    (0..<point.count).map { axis in
      grid.centring == .vertex && (point[axis] == 0 || point[axis] == grid.cellCounts[axis]) ? 0.5 : 1
    }
  }
}

/// A discretized linear system on a grid: `A u = b`.
public struct GridSystem: Sendable {
  /// The operator `A`.
  public var matrix: StencilOperator
  /// The right-hand side `b`, one value per unknown, boundary data included.
  public var rightHandSide: [Double]

  /// The layout of the unknowns.
  public var layout: GridLayout { matrix.layout }
}
