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

/// Calls `body(k, a, b)` for every flat position `k` of `shape`, with the running offsets of two
/// stride sets (see ``forEachOffset(shape:strides:_:)``).
@inline(__always)
func forEachOffset(shape: [Int], strides a: [Int], _ b: [Int], _ body: (Int, Int, Int) -> Void) {
  let total = shape.reduce(1, *)
  guard total > 0 else { return }
  guard let n = shape.last else { return body(0, 0, 0) }
  let last = shape.count - 1
  let (sa, sb) = (a[last], b[last])
  var index = [Int](repeating: 0, count: last)
  var (oa, ob) = (0, 0)
  var k = 0
  while k < total {
    for i in 0..<n { body(k + i, oa + i * sa, ob + i * sb) }
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
