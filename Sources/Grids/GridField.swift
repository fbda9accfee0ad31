/// A scalar field over a grid's domain, given in one of the ways users have it.
public enum GridField: Sendable {
  /// The same value everywhere.
  case constant(Double)
  /// One value per grid point (``UniformGrid/pointCounts``, row-major): vertices including the
  /// boundary for vertex grids, cells for cell-centred grids.
  case values([Double])
  /// A function of the point's coordinates (`x.count` is the grid dimension).
  case function(@Sendable (_ x: [Double]) -> Double)

  /// The field sampled at every grid point of `grid`, row-major.
  /// - Throws: ``GridError/invalidField(_:)`` naming `name` if `.values` has the wrong count or a
  ///   value is not finite.
  public func sampled(on grid: UniformGrid, name: String) throws -> [Double] {
    let counts = grid.pointCounts
    let total = counts.reduce(1, *)
    let result: [Double]
    switch self {
    case .constant(let c):
      result = Array(repeating: c, count: total)
    case .values(let v):
      guard v.count == total else {
        throw GridError.invalidField(
          "\(name) has \(v.count) values, the grid has \(total) points (\(counts.map(String.init).joined(separator: "x")))")
      }
      result = v
    case .function(let f):
      var out = [Double](repeating: 0, count: total)
      var index = Array(repeating: 0, count: counts.count)
      var x = Array(repeating: 0.0, count: counts.count)
      for flat in 0..<total {
        for axis in 0..<counts.count { x[axis] = grid.coordinate(index[axis], axis: axis) }
        out[flat] = f(x)
        var axis = counts.count - 1
        while axis >= 0 {
          index[axis] += 1
          if index[axis] < counts[axis] { break }
          index[axis] = 0
          axis -= 1
        }
      }
      result = out
    }
    if let bad = result.firstIndex(where: { !$0.isFinite }) {
      throw GridError.invalidField("\(name) is not finite at grid point \(bad): \(result[bad])")
    }
    return result
  }
}
