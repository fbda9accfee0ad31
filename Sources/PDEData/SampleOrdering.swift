/// Orders samples so that consecutive ones are similar, for Krylov recycling across solves.
///
/// The chain is greedy nearest neighbour on the Frobenius (Euclidean) distance between
/// parameter fields: start at sample 0, then repeatedly move to the closest sample not yet
/// visited — the SKR paper's sorting. Cost `O(N² · field size)` at worst; partial distances
/// stop early once they exceed the best candidate so far.
///
/// References: Wang et al. 2024, "Accelerating data generation for neural operators via Krylov
/// subspace recycling", ICLR (Sorting Krylov Recycling).
public enum SampleOrdering {
  /// The visiting order of `fields` (all of one length); a permutation of `0..<fields.count`.
  public static func greedyNearestNeighbour(_ fields: [[Double]]) -> [Int] {
    let n = fields.count
    guard n > 1 else { return Array(0..<n) }
    var visited = [Bool](repeating: false, count: n)
    var order = [0]
    visited[0] = true
    var current = 0
    for _ in 1..<n {
      var best = (index: -1, distance: Double.infinity)
      for j in 0..<n where !visited[j] {
        let d = squaredDistance(fields[current], fields[j], below: best.distance)
        if d < best.distance { best = (j, d) }
      }
      order.append(best.index)
      visited[best.index] = true
      current = best.index
    }
    return order
  }

  /// `‖x − y‖²`, abandoning the sum (returning ∞) once it exceeds `bound`.
  private static func squaredDistance(_ x: [Double], _ y: [Double], below bound: Double) -> Double {
    var total = 0.0
    var i = 0
    while i < x.count {
      let end = min(i + 256, x.count)
      while i < end {
        let d = x[i] - y[i]
        total += d * d
        i += 1
      }
      if total >= bound { return .infinity }
    }
    return total
  }
}
