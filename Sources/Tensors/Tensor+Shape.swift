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
    let source = permutation.map { strides[$0] }
    var out = [Float](repeating: 0, count: count)
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in forEachOffset(shape: newShape, strides: source) { k, o in y[k] = x[o] } }
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
