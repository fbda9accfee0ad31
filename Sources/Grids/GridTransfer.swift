/// Prolongation between two levels of a multigrid hierarchy on a grid, axis by axis.
///
/// The full prolongation `P` (fine × coarse unknowns) is the tensor (Kronecker) product of the
/// per-axis interpolations, axis 0 outermost, matching the row-major numbering of unknowns.
/// Restriction is its transpose `R = Pᵀ`, which keeps Galerkin coarse operators `Pᵀ A P`
/// symmetric. Build a whole hierarchy with ``hierarchy(for:coarsestUnknowns:)``.
///
/// - Vertex grids coarsen by index: every other unknown becomes a coarse unknown, chosen so
///   that a vertex on a Neumann side stays coarse. Fine unknowns between two coarse ones take
///   half of each — exact linear interpolation, since coarse points are fine points — and a fine
///   unknown next to a Dirichlet side takes half of its one coarse neighbour (the boundary value
///   of a correction is zero). The levels are nested at any size, so `P` has at most 2 entries
///   per axis and Galerkin operators of a (2d+1)-point stencil keep 3^d points.
/// - Cell-centred grids merge pairs of cells; fine centres are interpolated linearly from the
///   coarse centres (weights ¾ and ¼), with a zero value on Dirichlet sides and constant
///   extrapolation on Neumann sides.
public struct GridTransfer: Sendable {
  /// Unknowns per axis on the fine level.
  public let fineCounts: [Int]
  /// Unknowns per axis on the coarse level.
  public let coarseCounts: [Int]
  /// `axisWeights[k][i]`: the coarse indices along axis `k` and the weights that interpolate
  /// them to fine index `i` along that axis.
  public let axisWeights: [[[(coarse: Int, weight: Double)]]]

  /// Total fine unknowns.
  public var fineUnknowns: Int { fineCounts.reduce(1, *) }
  /// Total coarse unknowns.
  public var coarseUnknowns: Int { coarseCounts.reduce(1, *) }

  /// The transfers from `layout` down to a level with at most `coarsestUnknowns` unknowns (or
  /// until no axis can be coarsened further), finest first. Axes with 2 or fewer unknowns are
  /// left as they are (semi-coarsening).
  public static func hierarchy(for layout: GridLayout, coarsestUnknowns: Int) -> [GridTransfer] {
    var axes = (0..<layout.grid.dimension).map { AxisLevel(layout: layout, axis: $0) }
    var transfers: [GridTransfer] = []
    while axes.map(\.count).reduce(1, *) > coarsestUnknowns {
      let steps = axes.map { $0.coarsened() }
      guard steps.contains(where: { $0.next.count < $0.weights.count }) else { break }
      transfers.append(
        GridTransfer(
          fineCounts: axes.map(\.count), coarseCounts: steps.map(\.next.count), axisWeights: steps.map(\.weights)))
      axes = steps.map(\.next)
    }
    return transfers
  }
}

/// One axis of one level: how many unknowns, and what lies beyond each end.
private struct AxisLevel {
  enum Kind {
    /// Vertex grid; `lowIsBoundaryPoint`: index 0 sits on a Neumann side (else a Dirichlet
    /// value lies one step beyond it); likewise at the high end.
    case vertex(lowIsBoundaryPoint: Bool, highIsBoundaryPoint: Bool)
    /// Cell-centred grid with the unknowns' coordinates on `[0, length]`.
    case cell(coordinates: [Double], length: Double, lowIsDirichlet: Bool, highIsDirichlet: Bool)
  }
  let count: Int
  let kind: Kind

  init(count: Int, kind: Kind) {
    self.count = count
    self.kind = kind
  }

  init(layout: GridLayout, axis: Int) {
    count = layout.unknownCounts[axis]
    let (low, high) = (layout.boundary.low[axis], layout.boundary.high[axis])
    switch layout.grid.centring {
    case .vertex:
      kind = .vertex(lowIsBoundaryPoint: !low.isDirichlet, highIsBoundaryPoint: !high.isDirichlet)
    case .cell:
      kind = .cell(
        coordinates: layout.unknownCoordinates(axis: axis), length: layout.grid.lengths[axis],
        lowIsDirichlet: low.isDirichlet, highIsDirichlet: high.isDirichlet)
    }
  }

  /// The next coarser level of this axis and the interpolation weights from it.
  func coarsened() -> (next: AxisLevel, weights: [[(coarse: Int, weight: Double)]]) {
    guard count > 2 else { return (self, (0..<count).map { [($0, 1.0)] }) }
    switch kind {
    case .vertex(let lowIsBoundaryPoint, let highIsBoundaryPoint):
      // Coarse unknowns: even indices if index 0 is a boundary point, odd ones otherwise.
      let first = lowIsBoundaryPoint ? 0 : 1
      let coarseIndex: (Int) -> Int? = { i in
        i >= 0 && i < count && (i - first) % 2 == 0 ? (i - first) / 2 : nil
      }
      let weights = (0..<count).map { i -> [(coarse: Int, weight: Double)] in
        if let c = coarseIndex(i) { return [(c, 1)] }
        let neighbours = [coarseIndex(i - 1), coarseIndex(i + 1)].compactMap { $0 }
        // A last index on a Neumann side with no coarse neighbour above: constant extrapolation.
        if i == count - 1 && highIsBoundaryPoint { return neighbours.map { ($0, 1) } }
        return neighbours.map { ($0, 0.5) }
      }
      let coarseCount = (count - first + 1) / 2
      let lastIsBoundary = highIsBoundaryPoint && coarseIndex(count - 1) != nil
      return (
        AxisLevel(count: coarseCount, kind: .vertex(lowIsBoundaryPoint: lowIsBoundaryPoint, highIsBoundaryPoint: lastIsBoundary)),
        weights
      )
    case .cell(let x, let length, let lowIsDirichlet, let highIsDirichlet):
      let coarse = stride(from: 0, to: count, by: 2).map { i in i + 1 < count ? 0.5 * (x[i] + x[i + 1]) : x[i] }
      let weights = linearInterpolationWeights(
        fine: x, coarse: coarse, length: length, lowIsDirichlet: lowIsDirichlet, highIsDirichlet: highIsDirichlet)
      return (
        AxisLevel(
          count: coarse.count,
          kind: .cell(coordinates: coarse, length: length, lowIsDirichlet: lowIsDirichlet, highIsDirichlet: highIsDirichlet)),
        weights
      )
    }
  }
}

/// Linear interpolation weights from `coarse` to `fine` positions on `[0, length]`; beyond the
/// outermost coarse point, a Dirichlet side contributes a zero value at the boundary and a
/// Neumann side extrapolates the nearest coarse value.
private func linearInterpolationWeights(
  fine: [Double], coarse: [Double], length: Double, lowIsDirichlet: Bool, highIsDirichlet: Bool
) -> [[(coarse: Int, weight: Double)]] {
  let tolerance = 1e-12 * length
  let last = coarse.count - 1
  var j = 0
  return fine.map { x in
    if x <= coarse[0] + tolerance {
      if abs(x - coarse[0]) <= tolerance || !lowIsDirichlet { return [(0, 1)] }
      return [(0, x / coarse[0])]
    }
    if x >= coarse[last] - tolerance {
      if abs(x - coarse[last]) <= tolerance || !highIsDirichlet { return [(last, 1)] }
      return [(last, (length - x) / (length - coarse[last]))]
    }
    while coarse[j + 1] < x - tolerance { j += 1 }
    if abs(coarse[j + 1] - x) <= tolerance { return [(j + 1, 1)] }
    let t = (x - coarse[j]) / (coarse[j + 1] - coarse[j])
    return [(j, 1 - t), (j + 1, t)]
  }
}
