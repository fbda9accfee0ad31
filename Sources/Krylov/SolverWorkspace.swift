/// Vectors a solver allocates once and reuses across solves of the same size.
final class SolverWorkspace {
  /// Length of each vector.
  let size: Int
  private(set) var vectors: [UnsafeMutableBufferPointer<Double>]

  init(size: Int, count: Int) {
    self.size = size
    vectors = (0..<count).map { _ in
      let v = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(size, 1))
      v.initialize(repeating: 0)
      return v
    }
  }

  deinit { for v in vectors { v.deallocate() } }

  subscript(_ k: Int) -> UnsafeMutableBufferPointer<Double> {
    UnsafeMutableBufferPointer(rebasing: vectors[k][0..<size])
  }
}

/// Wall-clock time since a start, for reports and time limits.
struct Stopwatch {
  private let start = ContinuousClock.now
  var seconds: Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}
