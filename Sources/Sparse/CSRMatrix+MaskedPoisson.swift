/// The Poisson matrix of a box of cells with solid obstacles — the pressure system of a fluid
/// simulation: one unknown per cell of an `n₁ × …` grid (row-major), `h²`-scaled. A fluid cell
/// couples to each fluid neighbour with `−1` and adds `1` to its diagonal per face shared with a
/// fluid cell or with the box boundary (zero Dirichlet outside the box); faces shared with a
/// solid cell carry no flux (a Neumann wall) and add nothing. Solid cells keep the identity row,
/// so their unknowns are zero for a right-hand side that is zero there. Without solids this is
/// the `2d`-point-centre Laplacian of the box with Dirichlet sides.
///
/// The matrix is symmetric; it is positive definite when every connected fluid region touches
/// the box boundary (a fluid pocket sealed off by solids would be a pure Neumann problem).
extension CSRMatrix {
  /// Assembles the matrix for the grid `shape` (1 to 3 axes) with `solid[i]` marking cells.
  /// - Throws: ``SparseError/invalidStructure(_:)`` for an empty grid or a mask of another size;
  ///   ``SparseError/singular(_:)`` naming a fluid cell that solids seal off from the box
  ///   boundary (its region would be a pure Neumann problem).
  public static func maskedPoisson(shape: [Int], solid: [Bool]? = nil) throws -> CSRMatrix {
    let n = shape.reduce(1, *)
    guard (1...3).contains(shape.count), shape.allSatisfy({ $0 >= 1 }) else {
      throw SparseError.invalidStructure("grid \(shape) must have 1 to 3 positive extents")
    }
    if let solid, solid.count != n { throw SparseError.invalidStructure("mask has \(solid.count) cells, grid \(shape) has \(n)") }
    let isSolid = { (i: Int) in solid?[i] ?? false }
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    if solid != nil, let sealed = firstSealedCell(shape: shape, strides: strides, isSolid: isSolid) {
      let index = shape.indices.map { String((sealed / strides[$0]) % shape[$0]) }.joined(separator: ", ")
      throw SparseError.singular(
        "fluid cell (\(index)) is sealed off from the box boundary by solid cells; its region has no Dirichlet value")
    }
    var coo = COOMatrix(rowCount: n, columnCount: n, reserve: n * (2 * shape.count + 1))
    for i in 0..<n {
      if isSolid(i) {
        coo.append(row: i, column: i, value: 1)
        continue
      }
      var diagonal = 0.0
      for axis in shape.indices {
        let coordinate = (i / strides[axis]) % shape[axis]
        for step in [-1, 1] {
          let c = coordinate + step
          guard c >= 0 && c < shape[axis] else {
            diagonal += 1  // the box boundary: u = 0 beyond it
            continue
          }
          let j = i + step * strides[axis]
          if !isSolid(j) {
            diagonal += 1
            coo.append(row: i, column: j, value: -1)
          }
        }
      }
      coo.append(row: i, column: i, value: diagonal)
    }
    return try CSRMatrix(coo)
  }

  /// The first fluid cell not connected through fluid cells to a cell on the box boundary, or nil.
  private static func firstSealedCell(shape: [Int], strides: [Int], isSolid: (Int) -> Bool) -> Int? {
    let n = shape.reduce(1, *)
    var reached = [Bool](repeating: false, count: n)
    var stack = [Int]()
    for i in 0..<n where !isSolid(i) {
      let onBoundary = shape.indices.contains { axis in
        let c = (i / strides[axis]) % shape[axis]
        return c == 0 || c == shape[axis] - 1
      }
      if onBoundary {
        reached[i] = true
        stack.append(i)
      }
    }
    while let i = stack.popLast() {
      for axis in shape.indices {
        let c = (i / strides[axis]) % shape[axis]
        for step in [-1, 1] where c + step >= 0 && c + step < shape[axis] {
          let j = i + step * strides[axis]
          if !reached[j] && !isSolid(j) {
            reached[j] = true
            stack.append(j)
          }
        }
      }
    }
    return (0..<n).first { !isSolid($0) && !reached[$0] }
  }
}
