import Layers
import Tensors
import TestSupport
import XCTest

final class LayerTests: XCTestCase {
  func testLinearShapesPathsAndGradients() throws {
    var g = SeededGenerator(seed: 1)
    let layer = Linear(inputFeatures: 3, outputFeatures: 2, using: &g)
    XCTAssertEqual(layer.parameters.keys.sorted(), ["bias", "weight"])
    XCTAssertEqual(try layer(randomTensor([4, 5, 3], seed: 2)).shape, [4, 5, 2])
    XCTAssertTrue(layer.weight.scalars.allSatisfy { abs($0) <= 1 / Float(3).squareRoot() })
    try checkGradients([randomTensor([4, 3], seed: 3), layer.weight, layer.bias!]) { t in
      var l = layer
      l.weight = t[1]
      l.bias = t[2]
      return try l(t[0])
    }
    XCTAssertThrowsError(try layer(randomTensor([4, 5], seed: 4))) { error in
      XCTAssertTrue("\(error)".contains("matmul"), "\(error)")
    }
  }

  /// Glorot normal (the DeepONet papers' start): weights of mean 0 and standard deviation
  /// `√(2 / (fanIn + fanOut))` — real, and per complex entry in mean square — and zero biases.
  func testGlorotNormalInitializationHasTheDeviationOfItsDefinition() throws {
    var g = SeededGenerator(seed: 11)
    let (fanIn, fanOut) = (300, 200)
    let expected = 2 / Double(fanIn + fanOut)
    func moments(_ values: [Float]) -> (mean: Double, meanSquare: Double) {
      let n = Double(values.count)
      return (values.reduce(0) { $0 + Double($1) } / n, values.reduce(0) { $0 + Double($1) * Double($1) } / n)
    }
    let real = Linear(inputFeatures: fanIn, outputFeatures: fanOut, initialization: .glorotNormal, using: &g)
    let (mean, meanSquare) = moments(real.weight.scalars)
    XCTAssertEqual(meanSquare, expected, accuracy: 0.02 * expected, "variance of 60,000 draws")
    XCTAssertEqual(mean, 0, accuracy: 4 * (expected / 60_000).squareRoot())
    XCTAssertTrue(real.bias!.scalars.allSatisfy { $0 == 0 })
    // Normal, not uniform: about 4.6% of the draws lie beyond two deviations (uniform: none).
    let beyond = real.weight.scalars.filter { Double(abs($0)) > 2 * expected.squareRoot() }.count
    XCTAssertEqual(Double(beyond) / 60_000, 0.0455, accuracy: 0.005)
    let complex = ComplexLinear(inputFeatures: fanIn, outputFeatures: fanOut, initialization: .glorotNormal, using: &g)
    XCTAssertEqual(2 * moments(complex.weight.scalars).meanSquare, expected, accuracy: 0.02 * expected, "E|w|²")
    XCTAssertTrue(complex.bias.scalars.allSatisfy { $0 == 0 })
    // The default stays PyTorch's uniform start.
    let uniform = Linear(inputFeatures: fanIn, outputFeatures: fanOut, using: &g)
    XCTAssertEqual(moments(uniform.weight.scalars).meanSquare, 1 / (3 * Double(fanIn)), accuracy: 0.02 / (3 * Double(fanIn)))
    XCTAssertTrue(uniform.bias!.scalars.contains { $0 != 0 })
  }

  func testEveryMLPParameterReceivesAGradient() throws {
    var g = SeededGenerator(seed: 5)
    let mlp = MLP(widths: [2, 16, 16, 1], activation: .tanh, using: &g)
    XCTAssertEqual(
      mlp.parameters.keys.sorted(),
      ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight", "layers.2.bias", "layers.2.weight"])
    XCTAssertEqual(mlp.parameterCount, 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1)
    let tape = GradientTape()
    try tape.record {
      var watched = mlp
      var tensors = [Tensor]()
      watched.updateParameters { _, p in
        p = tape.watch(p)
        tensors.append(p)
      }
      let loss = try watched(randomTensor([8, 2], seed: 6)).squared().mean()
      for (k, grad) in try tape.gradients(of: loss, withRespectTo: tensors).enumerated() {
        XCTAssertTrue(grad.scalars.contains { $0 != 0 }, "parameter \(k) got no gradient")
      }
    }
  }

  func testLossesAndTheirGradients() throws {
    let p = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), t = try Tensor(shape: [2, 2], scalars: [1, 1, 3, 3])
    XCTAssertEqual(try Loss.meanSquaredError(p, t).scalar, 0.5)
    // Sample 0: ‖(0,1)‖/‖(1,1)‖ = 1/√2; sample 1: ‖(0,1)‖/‖(3,3)‖ = 1/(3√2).
    let root2: Double = 2.0.squareRoot()
    let total = Float(1 / root2 + 1 / (3 * root2))
    XCTAssertEqual(try Loss.relativeL2(p, t).scalar, total / 2, accuracy: 1e-6)
    XCTAssertEqual(try Loss.relativeL2(p, t, reduction: .sum).scalar, total, accuracy: 1e-6)
    let target = randomTensor([3, 4, 4], seed: 7)
    try checkGradients([randomTensor([3, 4, 4], seed: 8)]) { try Loss.relativeL2($0[0], target) }
    try checkGradients([randomTensor([3, 4], seed: 9)]) { try Loss.meanSquaredError($0[0], randomTensor([3, 4], seed: 10)) }
  }

  func testNormalizationLayersAndLpLosses() throws {
    let x = randomTensor([2, 3, 5], seed: 12)
    let layer = LayerNorm(features: 5), instance = InstanceNorm(channels: 3)
    try checkGradients([x, layer.weight, layer.bias], tolerance: 2e-2) { t in
      var l = layer
      (l.weight, l.bias) = (t[1], t[2])
      return try l(t[0])
    }
    try checkGradients([x, instance.weight, instance.bias], tolerance: 2e-2) { t in
      var l = instance
      (l.weight, l.bias) = (t[1], t[2])
      return try l(t[0])
    }
    XCTAssertThrowsError(try instance(randomTensor([3, 5], seed: 13)))
    let p = try Tensor(shape: [1, 2], scalars: [3, 1]), t = try Tensor(shape: [1, 2], scalars: [1, 1])
    XCTAssertEqual(try Loss.relativeLp(p, t, q: 1).scalar, 1, accuracy: 1e-6)  // |2| / (1 + 1)
    XCTAssertEqual(try Loss.relativeLp(p, t, q: 2).scalar, Float(2 / 2.0.squareRoot()), accuracy: 1e-6)
    let target = randomTensor([2, 6], seed: 14)
    try checkGradients([randomTensor([2, 6], seed: 15)], tolerance: 2e-2) { try Loss.relativeLp($0[0], target, q: 3) }
  }

  func testLoadingParametersChecksNamesAndShapes() throws {
    var g = SeededGenerator(seed: 11)
    var mlp = MLP(widths: [2, 4, 1], using: &g)
    let other = MLP(widths: [2, 4, 1], using: &g)
    try mlp.loadParameters(other.parameters)
    XCTAssertEqual(mlp.parameters, other.parameters)
    var wrong = other.parameters
    wrong["layers.1.weight"] = Tensor(zeros: [2, 4])
    XCTAssertThrowsError(try mlp.loadParameters(wrong)) { error in
      XCTAssertEqual("\(error)", "parameter 'layers.1.weight' has shape [1, 4], the checkpoint has [2, 4]")
    }
    wrong["layers.1.weight"] = nil
    XCTAssertThrowsError(try mlp.loadParameters(wrong)) { error in
      XCTAssertEqual("\(error)", "no tensor for parameter 'layers.1.weight'")
    }
  }
}
