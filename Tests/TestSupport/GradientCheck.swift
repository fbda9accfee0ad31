import Layers
import Tensors
import Training
import XCTest

/// Checks the tape's gradients of `f` at `inputs` against central finite differences.
///
/// The output is contracted with a fixed random cotangent `w` (so every output element
/// matters): `L = Σ f(x) ⊙ w`. For every element of every input, the analytic `∂L/∂x` from the
/// tape is compared with `(L(x + ε) − L(x − ε)) / 2ε`, where `L` is accumulated in `Double`.
/// Passes when `|analytic − numeric| ≤ tolerance · (|numeric| + floor · max|numeric|)`: relative
/// to the entry, with a floor relative to the input's largest gradient for entries near zero
/// (whose finite differences are Float32 round-off). Float32 forward passes limit the agreement
/// to about 1e-3 at the default `ε`; a wrong derivative formula is off by O(1) of the entry.
public func checkGradients(
  _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Double = 1e-2, floor: Double = 0.1, seed: UInt64 = 42,
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
    let numeric = try (0..<input.count).map { k -> Double in
      var plus = inputs, minus = inputs
      var up = input.scalars, down = input.scalars
      up[k] += epsilon
      down[k] -= epsilon
      plus[i] = try Tensor(shape: input.shape, scalars: up)
      minus[i] = try Tensor(shape: input.shape, scalars: down)
      return (try loss(plus) - loss(minus)) / (2 * Double(epsilon))
    }
    let largest = numeric.map(abs).max() ?? 0
    for k in 0..<input.count {
      assertGradientEntry(
        Double(analytic[i].scalars[k]), numeric[k], largest: largest, tolerance: tolerance, floor: floor, "input \(i) element \(k)",
        file: file, line: line)
    }
  }
}

/// Asserts one analytic gradient entry against its finite difference, relative to the entry
/// with a floor relative to the largest entry compared (``checkGradients(_:epsilon:tolerance:floor:seed:file:line:_:)``).
public func assertGradientEntry(
  _ exact: Double, _ numeric: Double, largest: Double, tolerance: Double, floor: Double, _ what: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  let bound = tolerance * (abs(numeric) + floor * largest)
  XCTAssert(
    abs(exact - numeric) <= bound, "\(what): tape \(exact), finite differences \(numeric) (|diff| \(abs(exact - numeric)) > \(bound))",
    file: file, line: line)
}

/// Checks a model's parameter gradients: every parameter path gets a gradient that is not all
/// zero, and `entries` seeded entries of every parameter agree with central finite differences
/// of `loss` (as ``checkGradients(_:epsilon:tolerance:floor:seed:file:line:_:)``, the floor
/// relative to the largest entry checked).
public func checkParameterGradients<M: Module>(
  _ model: M, entries: Int = 3, epsilon: Float = 1e-2, tolerance: Double = 1e-2, floor: Double = 0.1, seed: UInt64 = 7,
  file: StaticString = #filePath, line: UInt = #line, _ loss: (M) throws -> Tensor
) throws {
  let (_, gradients) = try model.valueWithGradients(loss)
  assertEveryParameterHasANonzeroGradient(model, gradients, file: file, line: line)
  var g = SeededGenerator(seed: seed)
  var checks = [(path: String, k: Int, exact: Double, numeric: Double)]()
  for (path, parameter) in model.parameters.sorted(by: { $0.key < $1.key }) {
    guard let gradient = gradients[path] else { continue }
    for _ in 0..<min(entries, parameter.count) {
      let k = Int.random(in: 0..<parameter.count, using: &g)
      func perturbed(_ delta: Float) throws -> Double {
        var copy = model
        copy.updateParameters { p, value in
          if p == path {
            var scalars = value.scalars
            scalars[k] += delta
            value = (try? Tensor(shape: value.shape, scalars: scalars)) ?? value
          }
        }
        return Double(try loss(copy).scalar)
      }
      let numeric = (try perturbed(epsilon) - perturbed(-epsilon)) / (2 * Double(epsilon))
      checks.append((path, k, Double(gradient.scalars[k]), numeric))
    }
  }
  let largest = checks.map { abs($0.numeric) }.max() ?? 0
  for check in checks {
    assertGradientEntry(
      check.exact, check.numeric, largest: largest, tolerance: tolerance, floor: floor, "\(check.path)[\(check.k)]", file: file,
      line: line)
  }
}

/// Asserts that `gradients` holds every parameter of `model` and that none is all zero — a
/// parameter the loss does not reach gets zeros from the tape, and "has a gradient" must mean
/// "the loss depends on it".
public func assertEveryParameterHasANonzeroGradient<M: Module>(
  _ model: M, _ gradients: [String: Tensor], file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(Set(gradients.keys), Set(model.parameters.keys), "gradients for every parameter", file: file, line: line)
  for (path, gradient) in gradients.sorted(by: { $0.key < $1.key }) {
    XCTAssert(gradient.scalars.contains { $0 != 0 }, "\(path): the gradient is zero everywhere", file: file, line: line)
  }
}

/// A tensor of uniform values in `range`, from a seeded generator.
public func randomTensor(_ shape: [Int], in range: Range<Float> = -1..<1, seed: UInt64) -> Tensor {
  var g = SeededGenerator(seed: seed)
  let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &g) }
  // Safe: the count matches the shape by construction.
  return (try? Tensor(shape: shape, scalars: values))!
}
