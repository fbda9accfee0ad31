/// numpy's broadcasting rules: shapes are aligned at their last axes, and each pair of extents
/// must be equal or contain a 1 (which is repeated to match).
extension Tensor {
  /// The shape two operands broadcast to.
  /// - Throws: ``TensorError/shapeMismatch(operation:shapes:)`` naming `operation`.
  static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws -> [Int] {
    let rank = Swift.max(a.count, b.count)
    let pa = Array(repeating: 1, count: rank - a.count) + a
    let pb = Array(repeating: 1, count: rank - b.count) + b
    return try (0..<rank).map { axis in
      if pa[axis] == pb[axis] || pb[axis] == 1 { return pa[axis] }
      if pa[axis] == 1 { return pb[axis] }
      throw TensorError.shapeMismatch(operation: operation, shapes: [a, b])
    }
  }

  /// Strides that read this tensor as if broadcast to `shape` (0 on repeated axes).
  func broadcastStrides(to shape: [Int]) -> [Int] {
    let offset = shape.count - rank
    let own = strides
    return (0..<shape.count).map { axis in
      axis < offset || self.shape[axis - offset] == 1 ? 0 : own[axis - offset]
    }
  }

  /// The tensor repeated along its size-1 (and missing leading) axes to `shape`.
  /// Differentiable: the gradient sums over the repeated axes.
  /// - Throws: ``TensorError/shapeMismatch(operation:shapes:)`` if it does not broadcast.
  public func broadcasted(to shape: [Int]) throws -> Tensor {
    guard try Tensor.broadcastShape(self.shape, shape, operation: "broadcasted(to:)") == shape else {
      throw TensorError.shapeMismatch(operation: "broadcasted(to:)", shapes: [self.shape, shape])
    }
    if shape == self.shape { return self }
    let source = broadcastStrides(to: shape)
    var out = [Float](repeating: 0, count: shape.reduce(1, *))
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in
        forEachOffset(shape: shape, strides: source) { k, o in y[k] = x[o] }
      }
    }
    let inputShape = self.shape
    return GradientTape.recorded(Tensor(unchecked: shape, out), inputs: [self]) { g in [try g.summed(toShape: inputShape)] }
  }

  /// Sums over the axes along which `shape` was broadcast to this tensor's shape (the adjoint
  /// of ``broadcasted(to:)``).
  func summed(toShape target: [Int]) throws -> Tensor {
    if target == shape { return self }
    let offset = rank - target.count
    guard offset >= 0 else { throw TensorError.shapeMismatch(operation: "summed(toShape:)", shapes: [shape, target]) }
    let axes = (0..<rank).filter { $0 < offset || (target[$0 - offset] == 1 && shape[$0] != 1) }
    return try summed(alongAxes: axes, keepingAxes: true).reshaped(to: target)
  }
}

/// Calls `body(k, a)` for every flat position `k` of `shape`, where `a` is the running offset
/// `Σ index[axis] · strides[axis]` (strides may be 0 for broadcast axes). The last axis runs as a
/// tight inner loop; the other axes carry once per row.
@inline(__always)
func forEachOffset(shape: [Int], strides a: [Int], _ body: (Int, Int) -> Void) {
  forEachOffset(shape: shape, strides: a, a) { k, x, _ in body(k, x) }
}

/// `shape` with adjacent axes merged wherever both stride sets walk them as one (the outer
/// stride is the inner stride times the inner extent, in both), so inner loops get long.
func coalescedAxes(shape: [Int], strides a: [Int], _ b: [Int]) -> (shape: [Int], a: [Int], b: [Int]) {
  var (shapeOut, aOut, bOut) = ([Int](), [Int](), [Int]())
  for axis in shape.indices where shape[axis] != 1 {
    if let n = shapeOut.last, aOut.last! == a[axis] * shape[axis], bOut.last! == b[axis] * shape[axis] {
      shapeOut[shapeOut.count - 1] = n * shape[axis]
      aOut[aOut.count - 1] = a[axis]
      bOut[bOut.count - 1] = b[axis]
    } else {
      shapeOut.append(shape[axis])
      aOut.append(a[axis])
      bOut.append(b[axis])
    }
  }
  return shapeOut.isEmpty ? ([1], [0], [0]) : (shapeOut, aOut, bOut)
}

/// Calls `body(k, a, b)` for every flat position `k` of `shape`, with the running offsets of two
/// stride sets (see ``forEachOffset(shape:strides:_:)``). Without `rows`, axes are first
/// coalesced (``coalescedAxes(shape:strides:_:)``); with `rows`, only the positions in those
/// rows of the last axis are visited (for splitting the walk among workers — pass coalesced
/// shapes). Unit and zero inner strides get their own loops, which the compiler vectorizes.
@inline(__always)
func forEachOffset(shape: [Int], strides a: [Int], _ b: [Int], rows: Range<Int>? = nil, _ body: (Int, Int, Int) -> Void) {
  guard shape.reduce(1, *) > 0 else { return }
  guard !shape.isEmpty else { return body(0, 0, 0) }
  let (shape, a, b) = rows == nil ? coalescedAxes(shape: shape, strides: a, b) : (shape, a, b)
  let n = shape.last!
  let last = shape.count - 1
  let rows = rows ?? 0..<(shape.reduce(1, *) / n)
  let (sa, sb) = (a[last], b[last])
  // The multi-index and offsets of the first row.
  var index = [Int](repeating: 0, count: last)
  var (oa, ob) = (0, 0)
  var remainder = rows.lowerBound
  for axis in stride(from: last - 1, through: 0, by: -1) {
    index[axis] = remainder % shape[axis]
    remainder /= shape[axis]
    oa += index[axis] * a[axis]
    ob += index[axis] * b[axis]
  }
  var k = rows.lowerBound * n
  let end = rows.upperBound * n
  while k < end {
    switch (sa, sb) {
    case (1, 1): for i in 0..<n { body(k + i, oa + i, ob + i) }
    case (1, 0): for i in 0..<n { body(k + i, oa + i, ob) }
    case (0, 1): for i in 0..<n { body(k + i, oa, ob + i) }
    default: for i in 0..<n { body(k + i, oa + i * sa, ob + i * sb) }
    }
    k += n
    var axis = last - 1
    while axis >= 0 {
      index[axis] += 1
      oa += a[axis]
      ob += b[axis]
      if index[axis] < shape[axis] { break }
      oa -= a[axis] * shape[axis]
      ob -= b[axis] * shape[axis]
      index[axis] = 0
      axis -= 1
    }
  }
}
