import Grids

extension CSRMatrix {
  /// The CSR form of a grid stencil operator: one entry per existing neighbour plus the diagonal,
  /// columns in increasing order (`i − s₀ < … < i − 1 < i < i + 1 < … < i + s₀`).
  public init(_ stencil: StencilOperator) {
    let layout = stencil.layout
    let n = stencil.size
    let d = layout.grid.dimension
    let strides = layout.strides
    var pointers = [Int32](repeating: 0, count: n + 1)
    var columns = [Int32](), vals = [Double]()
    columns.reserveCapacity(n * (2 * d + 1))
    vals.reserveCapacity(n * (2 * d + 1))
    layout.forEachUnknown { i, index, _ in
      for axis in 0..<d where index[axis] > 0 {
        columns.append(Int32(i - strides[axis]))
        vals.append(stencil.lower[axis][i])
      }
      columns.append(Int32(i))
      vals.append(stencil.diagonal[i])
      for axis in stride(from: d - 1, through: 0, by: -1) where index[axis] < layout.unknownCounts[axis] - 1 {
        columns.append(Int32(i + strides[axis]))
        vals.append(stencil.upper[axis][i])
      }
      pointers[i + 1] = Int32(vals.count)
    }
    self.init(unchecked: n, n, pointers, columns, vals)
  }
}
