import Layers
import Numerics
import Tensors
import TestSupport
import XCTest

final class ComplexLayerTests: XCTestCase {
  /// Finite-difference gradients of `x W + b` in complex arithmetic, with respect to the input,
  /// the weight and the bias (gradients are `∂L/∂re + i ∂L/∂im`, compared component-wise).
  func testComplexLinearGradients() throws {
    var g = SeededGenerator(seed: 1)
    let layer = ComplexLinear(inputFeatures: 3, outputFeatures: 4, using: &g)
    try checkGradients([randomTensor([2, 5, 3, 2], seed: 2), layer.weight, layer.bias], tolerance: 2e-2) { t in
      var l = layer
      l.weight = t[1]
      l.bias = t[2]
      return try l(t[0])
    }
  }

  /// The layer is the complex matrix product: one output checked by hand with `Complex<Float>`.
  func testComplexLinearComputesXWPlusB() throws {
    var g = SeededGenerator(seed: 3)
    let layer = ComplexLinear(inputFeatures: 2, outputFeatures: 3, using: &g)
    let x = randomTensor([1, 2, 2], seed: 4)
    let y = try layer(x).complexValues, xs = x.complexValues, w = layer.weight.complexValues, b = layer.bias.complexValues
    for j in 0..<3 {
      let expected = xs[0] * w[0 * 3 + j] + xs[1] * w[1 * 3 + j] + b[j]
      XCTAssertEqual(y[j].real, expected.real, accuracy: 1e-5)
      XCTAssertEqual(y[j].imaginary, expected.imaginary, accuracy: 1e-5)
    }
    XCTAssertThrowsError(try layer(randomTensor([1, 3, 2], seed: 5)))
  }

  /// The split activation through a two-layer complex MLP, and the real embedding.
  func testComplexMLPAndEmbeddingGradients() throws {
    var g = SeededGenerator(seed: 6)
    let mlp = ComplexMLP(widths: [3, 4, 2], activation: .tanh, using: &g)
    try checkGradients([randomTensor([2, 3, 2], seed: 7)], tolerance: 2e-2) { try mlp($0[0]) }
    try checkGradients([randomTensor([2, 3], seed: 8)], tolerance: 2e-2) { try mlp($0[0].embeddedAsComplex()) }
    XCTAssertEqual(try randomTensor([2, 3], seed: 9).embeddedAsComplex().shape, [2, 3, 2])
    XCTAssertEqual(Set(mlp.parameters.keys), ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
  }
}
