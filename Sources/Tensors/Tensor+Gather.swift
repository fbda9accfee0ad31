/// Indexing operations built on one differentiable gather: every output element copies one
/// input element or is zero. The gradient is the adjoint, a scatter-add.
extension Tensor {
  /// `out[k] = self[source[k]]`, or 0 where `source[k] < 0`. Gradient: scatter-add of `g`.
  func gathered(shape: [Int], sources: [Int32]) -> Tensor {
    var out = [Float](repeating: 0, count: sources.count)
    scalars.withUnsafeBufferPointer { x in
      for (k, s) in sources.enumerated() where s >= 0 { out[k] = x[Int(s)] }
    }
    let inputShape = self.shape, inputCount = count
    return GradientTape.recorded(Tensor(unchecked: shape, out), inputs: [self]) { g in
      var d = [Float](repeating: 0, count: inputCount)
      g.scalars.withUnsafeBufferPointer { gb in
        for (k, s) in sources.enumerated() where s >= 0 { d[Int(s)] += gb[k] }
      }
      return [Tensor(unchecked: inputShape, d)]
    }
  }

  /// The sources of an output of `shape` whose multi-index maps to an input multi-index through
  /// `map(axis, index) -> input index or nil (zero)`.
  func gatherSources(shape: [Int], _ map: (Int, Int) -> Int?) -> [Int32] {
    let inputStrides = strides
    // Per axis, the input offset of every output index (or nil).
    let table = shape.enumerated().map { axis, n in (0..<n).map { i in map(axis, i).map { $0 * inputStrides[axis] } } }
    // Walk the output with one running offset; a −1 entry in any axis' table marks padding.
    // The sentinel keeps any sum that includes it negative (offsets are below 2³¹, rank ≤ 8).
    let invalid = Int.min / 16
    let tables = table.map { column in column.map { $0 ?? invalid } }
    var sources = [Int32](repeating: -1, count: shape.reduce(1, *))
    guard !sources.isEmpty else { return sources }
    let last = shape.count - 1
    var index = [Int](repeating: 0, count: last)
    var base = tables[..<last].reduce(0) { $0 + $1[0] }
    var k = 0
    sources.withUnsafeMutableBufferPointer { out in
      tables[last].withUnsafeBufferPointer { inner in
        while k < out.count {
          for i in 0..<inner.count {
            let offset = base + inner[i]
            out[k + i] = offset < 0 ? -1 : Int32(offset)
          }
          k += inner.count
          var axis = last - 1
          while axis >= 0 {
            base -= tables[axis][index[axis]]
            index[axis] += 1
            if index[axis] < shape[axis] {
              base += tables[axis][index[axis]]
              break
            }
            index[axis] = 0
            base += tables[axis][0]
            axis -= 1
          }
        }
      }
    }
    return sources
  }

  /// How ``padded(_:mode:)`` fills the new border.
  public enum PaddingMode: String, Sendable, Codable, CaseIterable {
    /// Zeros (Dirichlet-like).
    case zero
    /// Copies of the nearest edge element (Neumann-like).
    case replicate
    /// Wraps around (periodic).
    case circular
    /// Mirrors about the edge element without repeating it, numpy's `reflect` (symmetric about
    /// a boundary vertex: Neumann on vertex grids).
    case reflect
  }

  /// The tensor padded by `pads[k] = (before, after)` elements on each of its last
  /// `pads.count` axes. Circular padding needs `before, after ≤ extent`, reflect padding
  /// `before, after < extent`.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` for more pads than axes, a
  ///   negative pad, or circular padding wider than the axis.
  public func padded(_ pads: [(before: Int, after: Int)], mode: PaddingMode = .zero) throws -> Tensor {
    guard pads.count <= rank, pads.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
      throw TensorError.invalidShape(operation: "padded", message: "pads \(pads.map { [$0.before, $0.after] }) do not fit shape \(shape)")
    }
    let first = rank - pads.count
    let limit = { (axis: Int) in mode == .reflect ? self.shape[first + axis] - 1 : self.shape[first + axis] }
    if mode == .circular || mode == .reflect,
      let bad = pads.indices.first(where: { pads[$0].before > limit($0) || pads[$0].after > limit($0) })
    {
      throw TensorError.invalidShape(
        operation: "padded", message: "\(mode) padding \(pads[bad]) is too wide for axis \(first + bad) of \(shape)")
    }
    let newShape = shape.enumerated().map { axis, n in axis < first ? n : n + pads[axis - first].before + pads[axis - first].after }
    let sources = gatherSources(shape: newShape) { axis, i in
      guard axis >= first else { return i }
      let n = shape[axis]
      let j = i - pads[axis - first].before
      if j >= 0 && j < n { return j }
      switch mode {
      case .zero: return nil
      case .replicate: return Swift.min(Swift.max(j, 0), n - 1)
      case .circular: return (j % n + n) % n
      case .reflect: return j < 0 ? -j : 2 * (n - 1) - j
      }
    }
    return gathered(shape: newShape, sources: sources)
  }

  /// The sub-tensor `ranges[k]` along each of the first `ranges.count` axes.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` for a range outside an axis.
  public func sliced(_ ranges: [Range<Int>]) throws -> Tensor {
    guard ranges.count <= rank, ranges.indices.allSatisfy({ ranges[$0].lowerBound >= 0 && ranges[$0].upperBound <= shape[$0] }) else {
      throw TensorError.invalidShape(operation: "sliced", message: "ranges \(ranges) do not fit shape \(shape)")
    }
    let newShape = shape.enumerated().map { axis, n in axis < ranges.count ? ranges[axis].count : n }
    let sources = gatherSources(shape: newShape) { axis, i in axis < ranges.count ? ranges[axis].lowerBound + i : i }
    return gathered(shape: newShape, sources: sources)
  }

  /// The tensors joined along `axis`; all other extents must agree. Gradient: the matching
  /// slice to each input.
  /// - Throws: ``TensorError/shapeMismatch(operation:shapes:)`` naming every shape.
  public static func concatenated(_ tensors: [Tensor], alongAxis axis: Int) throws -> Tensor {
    guard let first = tensors.first, axis >= 0, axis < first.rank,
      tensors.allSatisfy({
        $0.rank == first.rank && $0.shape.enumerated().allSatisfy { $0.offset == axis || $0.element == first.shape[$0.offset] }
      })
    else { throw TensorError.shapeMismatch(operation: "concatenated(axis: \(axis))", shapes: tensors.map(\.shape)) }
    var shape = first.shape
    shape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
    let outer = first.shape[..<axis].reduce(1, *)
    let blocks = tensors.map { $0.shape[axis...].reduce(1, *) }
    var out = [Float]()
    out.reserveCapacity(shape.reduce(1, *))
    for o in 0..<outer {
      for (t, block) in zip(tensors, blocks) { out += t.scalars[(o * block)..<((o + 1) * block)] }
    }
    let extents = tensors.map { $0.shape[axis] }
    return GradientTape.recorded(Tensor(unchecked: shape, out), inputs: tensors) { g in
      var start = 0
      return try extents.map { n in
        defer { start += n }
        return try g.permutedAxisFirst(axis).sliced([start..<(start + n)]).permutedAxisFirst(axis, inverse: true)
      }
    }
  }

  /// Moves `axis` to the front (or back, with `inverse`).
  private func permutedAxisFirst(_ axis: Int, inverse: Bool = false) throws -> Tensor {
    var order = Array(0..<rank)
    order.remove(at: axis)
    order.insert(axis, at: 0)
    if inverse {
      var back = [Int](repeating: 0, count: rank)
      for (i, p) in order.enumerated() { back[p] = i }
      return try permuted(back)
    }
    return try permuted(order)
  }
}
