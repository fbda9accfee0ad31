import Grids

extension CSRMatrix {
  /// The CSR form of a grid stencil operator: one entry per existing neighbour plus the diagonal,
  /// columns in increasing order (`i − s₀ < … < i − 1 < i < i + 1 < … < i + s₀`). Of an operator
  /// holding a block of rows, the block: `rows.count` rows, every column, global column indices.
  public init(_ stencil: StencilOperator) {
    let layout = stencil.layout
    let (n, first) = (stencil.rows.count, stencil.rows.lowerBound)
    let d = layout.grid.dimension
    let strides = layout.strides
    var pointers = [Int32](repeating: 0, count: n + 1)
    var columns = [Int32](), vals = [Double]()
    columns.reserveCapacity(n * (2 * d + 1))
    vals.reserveCapacity(n * (2 * d + 1))
    layout.forEachUnknown(in: stencil.rows) { row, index, _ in
      let i = row - first
      for axis in 0..<d where index[axis] > 0 {
        columns.append(Int32(row - strides[axis]))
        vals.append(stencil.lower[axis][i])
      }
      columns.append(Int32(row))
      vals.append(stencil.diagonal[i])
      for axis in stride(from: d - 1, through: 0, by: -1) where index[axis] < layout.unknownCounts[axis] - 1 {
        columns.append(Int32(row + strides[axis]))
        vals.append(stencil.upper[axis][i])
      }
      pointers[i + 1] = Int32(vals.count)
    }
    self.init(unchecked: n, stencil.size, pointers, columns, vals)
  }
}
