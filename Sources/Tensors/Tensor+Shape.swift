/// Reshaping and permuting axes.
extension Tensor {
  /// The same elements with another shape of equal element count; one extent may be `-1`
  /// (inferred). Gradient: reshaped back.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` if the counts differ.
  public func reshaped(to newShape: [Int]) throws -> Tensor {
    var resolved = newShape
    if let unknown = newShape.firstIndex(of: -1) {
      let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
      guard known > 0, count % known == 0 else {
        throw TensorError.invalidShape(operation: "reshaped", message: "cannot infer -1 in \(newShape) for \(count) elements")
      }
      resolved[unknown] = count / known
    }
    guard resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == count else {
      throw TensorError.invalidShape(operation: "reshaped", message: "shape \(shape) (\(count) elements) cannot become \(newShape)")
    }
    if resolved == shape { return self }
    let original = shape
    return GradientTape.recorded(Tensor(unchecked: resolved, scalars), inputs: [self]) { g in [try g.reshaped(to: original)] }
  }

  /// The axes reordered: result axis `i` is input axis `permutation[i]`. Gradient: the inverse
  /// permutation.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` if `permutation` is not a
  ///   permutation of `0..<rank`.
  public func permuted(_ permutation: [Int]) throws -> Tensor {
    guard permutation.sorted() == Array(0..<rank) else {
      throw TensorError.invalidShape(operation: "permuted", message: "\(permutation) is not a permutation of the \(rank) axes of \(shape)")
    }
    let newShape = permutation.map { shape[$0] }
    var out = [Float](repeating: 0, count: count)
    if rank >= 2, permutation == Array(0..<(rank - 2)) + [rank - 1, rank - 2] {
      // A batched matrix transpose: tiles keep both the reads and the writes in cache, and the
      // loops stay long even when one of the two axes is short.
      let (rows, columns) = (shape[rank - 2], shape[rank - 1])
      let matrices = rows * columns == 0 ? 0 : count / (rows * columns), tile = 32
      scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
          for m in 0..<matrices {
            let (xm, ym) = (x.baseAddress! + m * rows * columns, y.baseAddress! + m * rows * columns)
            for i0 in stride(from: 0, to: rows, by: tile) {
              for j0 in stride(from: 0, to: columns, by: tile) {
                for i in i0..<min(i0 + tile, rows) { for j in j0..<min(j0 + tile, columns) { ym[j * rows + i] = xm[i * columns + j] } }
              }
            }
          }
        }
      }
    } else {
      let source = permutation.map { strides[$0] }
      scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in forEachOffset(shape: newShape, strides: source) { k, o in y[k] = x[o] } }
      }
    }
    var inverse = [Int](repeating: 0, count: rank)
    for (i, p) in permutation.enumerated() { inverse[p] = i }
    return GradientTape.recorded(Tensor(unchecked: newShape, out), inputs: [self]) { g in [try g.permuted(inverse)] }
  }

  /// The last two axes swapped (the matrix transpose, batched over leading axes).
  public func transposed() throws -> Tensor {
    guard rank >= 2 else { throw TensorError.invalidShape(operation: "transposed", message: "needs rank ≥ 2, got \(shape)") }
    return try permuted(Array(0..<(rank - 2)) + [rank - 1, rank - 2])
  }
}
