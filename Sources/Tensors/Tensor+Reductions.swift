/// Reductions along axes: sums, means, maxima and norms.
extension Tensor {
  /// The sum over `axes` (all axes when nil). With `keepingAxes`, reduced axes stay as size 1.
  /// Gradient: `g` broadcast back over the reduced axes.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` for an axis out of range.
  public func summed(alongAxes axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
    let axes = try normalizedAxes(axes, "summed")
    let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    var out = [Float](repeating: 0, count: kept.reduce(1, *))
    let target = rowMajorStrides(kept).enumerated().map { axes.contains($0.offset) ? 0 : $0.element }
    // An empty tensor sums to zeros (the loops below assume at least one element).
    if count > 0 {
      scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
          if axes.count == rank {
            var total: Float = 0
            for v in x { total += v }
            y[0] = total
          } else {
            let (walk, t, _) = coalescedAxes(shape: shape, strides: target, target)
            let n = walk.last!
            if t.last! == 0 {
              // The innermost run is reduced: sum it whole, then add to its target.
              let rows = Array(walk.dropLast()) + [1], rowTargets = Array(t.dropLast()) + [0]
              forEachOffset(shape: rows, strides: rowTargets, rowTargets, rows: 0..<(count / n)) { row, o, _ in
                y[o] += runSum(x.baseAddress! + row * n, n)
              }
            } else {
              forEachOffset(shape: walk, strides: t, t, rows: 0..<(count / n)) { k, o, _ in y[o] += x[k] }
            }
          }
        }
      }
    }
    let inputShape = shape
    let result = Tensor(unchecked: kept, out)
    let recorded = GradientTape.recorded(result, inputs: [self]) { g in [try g.reshaped(to: kept).broadcasted(to: inputShape)] }
    return keepingAxes ? recorded : try recorded.reshaped(to: shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
  }

  /// The sum of all elements as a scalar tensor.
  public func sum() throws -> Tensor { try summed() }

  /// The mean over `axes` (all axes when nil).
  public func mean(alongAxes axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
    let axes = try normalizedAxes(axes, "mean")
    let n = axes.reduce(1) { $0 * shape[$1] }
    return try summed(alongAxes: axes, keepingAxes: keepingAxes) * (1 / Float(Swift.max(n, 1)))
  }

  /// The maximum over `axes` (all axes when nil). Gradient: `g` to the first maximal element.
  public func max(alongAxes axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
    let axes = try normalizedAxes(axes, "max")
    guard axes.allSatisfy({ shape[$0] > 0 }) else {
      throw TensorError.invalidShape(operation: "max", message: "cannot take the maximum over an empty axis of \(shape)")
    }
    let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    var out = [Float](repeating: -.infinity, count: kept.reduce(1, *))
    var argmax = [Int](repeating: -1, count: out.count)
    let target = rowMajorStrides(kept).enumerated().map { axes.contains($0.offset) ? 0 : $0.element }
    forEachOffset(shape: shape, strides: target) { k, o in
      if argmax[o] < 0 || scalars[k] > out[o] {
        out[o] = scalars[k]
        argmax[o] = k
      }
    }
    let count = self.count
    let result = GradientTape.recorded(Tensor(unchecked: kept, out), inputs: [self]) { g in
      var d = [Float](repeating: 0, count: count)
      for (j, k) in argmax.enumerated() { d[k] += g.scalars[j] }
      return [Tensor(unchecked: self.shape, d)]
    }
    return keepingAxes ? result : try result.reshaped(to: shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
  }

  /// The Euclidean norm `‖x‖₂` over `axes` (all axes when nil).
  public func l2Norm(alongAxes axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
    try squared().summed(alongAxes: axes, keepingAxes: keepingAxes).squareRoot()
  }

  /// Sorted, deduplicated axes; negative axes count from the end.
  func normalizedAxes(_ axes: [Int]?, _ operation: String) throws -> [Int] {
    guard let axes else { return Array(0..<rank) }
    return try Array(
      Set(
        axes.map { axis in
          let a = axis < 0 ? axis + rank : axis
          guard a >= 0, a < rank else {
            throw TensorError.invalidShape(operation: operation, message: "axis \(axis) is out of range for shape \(shape)")
          }
          return a
        })
    ).sorted()
  }
}

/// `Σ x[0 ..< n]` with eight SIMD accumulators.
@inline(__always)
func runSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
  var accumulator = SIMD8<Float>()
  var i = 0
  while i + 8 <= n {
    accumulator += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
    i += 8
  }
  var total = accumulator.sum()
  while i < n {
    total += x[i]
    i += 1
  }
  return total
}
