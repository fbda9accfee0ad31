import Tensors
import XCTest

/// Checks the tape's gradients of `f` at `inputs` against central finite differences.
///
/// The output is contracted with a fixed random cotangent `w` (so every output element
/// matters): `L = Σ f(x) ⊙ w`. For every element of every input, the analytic `∂L/∂x` from the
/// tape is compared with `(L(x + ε) − L(x − ε)) / 2ε`, where `L` is accumulated in `Double`.
/// Passes when `|analytic − numeric| ≤ tolerance · max(1, |numeric|)`. Float32 forward passes
/// limit the attainable agreement to about 1e-3 at the default `ε`; a wrong derivative formula
/// is off by O(1).
public func checkGradients(
  _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Double = 1e-2, seed: UInt64 = 42,
  file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) throws -> Tensor
) throws {
  let tape = GradientTape()
  let (output, analytic, cotangent): (Tensor, [Tensor], [Float]) = try tape.record {
    let watched = inputs.map { tape.watch($0) }
    let y = try f(watched)
    var g = SeededGenerator(seed: seed)
    let w = (0..<y.count).map { _ in Float.random(in: -1..<1, using: &g) }
    let loss = try (y * Tensor(shape: y.shape, scalars: w)).sum()
    return (y, try tape.gradients(of: loss, withRespectTo: watched), w)
  }
  XCTAssertEqual(analytic.map(\.shape), inputs.map(\.shape), "gradient shapes", file: file, line: line)
  func loss(_ xs: [Tensor]) throws -> Double {
    let y = try f(xs)
    return zip(y.scalars, cotangent).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }
  XCTAssertEqual(output.count, cotangent.count)
  for (i, input) in inputs.enumerated() {
    for k in 0..<input.count {
      var plus = inputs, minus = inputs
      var up = input.scalars, down = input.scalars
      up[k] += epsilon
      down[k] -= epsilon
      plus[i] = try Tensor(shape: input.shape, scalars: up)
      minus[i] = try Tensor(shape: input.shape, scalars: down)
      let numeric = (try loss(plus) - loss(minus)) / (2 * Double(epsilon))
      let exact = Double(analytic[i].scalars[k])
      XCTAssert(
        abs(exact - numeric) <= tolerance * max(1, abs(numeric)),
        "input \(i) element \(k): tape \(exact), finite differences \(numeric)", file: file, line: line)
    }
  }
}

/// A tensor of uniform values in `range`, from a seeded generator.
public func randomTensor(_ shape: [Int], in range: Range<Float> = -1..<1, seed: UInt64) -> Tensor {
  var g = SeededGenerator(seed: seed)
  let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &g) }
  // Safe: the count matches the shape by construction.
  return (try? Tensor(shape: shape, scalars: values))!
}
