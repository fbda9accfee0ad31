import Layers
import Operators
import Tensors
import TestSupport
import Training
import XCTest

final class FNOTests: XCTestCase {
  func testTheReferenceDarcyModelHasTheOriginalParameterCount() {
    var g = SeededGenerator(seed: 1)
    let model = FNO(FNOConfiguration(), using: &g)
    XCTAssertEqual(model.parameterCount, 2_368_001)
    XCTAssertEqual(model.parameters["spectral.3.weight"]?.shape, [2, 12, 12, 32, 32, 2])
  }

  /// An independent implementation: the PyTorch transcription of the paper's fourier_1d.py
  /// (bench/fno1d_reference.py) gives the same output and parameter gradients for the same
  /// weights and input (Tests/Fixtures/fno1d-pytorch.safetensors, from bench/fno1d_fixture.py).
  func testOneDimensionalForwardAndGradientsAgreeWithPyTorch() throws {
    var g = SeededGenerator(seed: 1)
    let model = FNO(FNOConfiguration(modes: [4], width: 6, layers: 2, projection: 8), using: &g)
    try assertAgreesWithPyTorchFixture(model, fixture: "fno1d-pytorch.safetensors") { try $0($1) }
  }

  func testSpectralConvGradientsIn1DAnd2D() throws {
    var g = SeededGenerator(seed: 2)
    let layer1 = SpectralConv(inputChannels: 2, outputChannels: 3, modes: [3], using: &g)
    try checkGradients([randomTensor([2, 2, 8], seed: 3), layer1.weight]) { t in
      var l = layer1
      l.weight = t[1]
      return try l(t[0])
    }
    let layer2 = SpectralConv(inputChannels: 2, outputChannels: 2, modes: [2, 2], using: &g)
    try checkGradients([randomTensor([1, 2, 6, 5], seed: 4), layer2.weight]) { t in
      var l = layer2
      l.weight = t[1]
      return try l(t[0])
    }
    XCTAssertThrowsError(try layer2(randomTensor([1, 2, 3, 5], seed: 5))) { error in
      XCTAssertTrue("\(error)".contains("too small for modes [2, 2]"), "\(error)")
    }
  }

  func testEveryParameterReceivesAGradientAndResolutionsChange() throws {
    var g = SeededGenerator(seed: 6)
    let model = FNO(FNOConfiguration(modes: [4, 4], width: 8, layers: 2, projection: 16), using: &g)
    let x = randomTensor([2, 1, 16, 16], seed: 7)
    try checkParameterGradients(model) { try $0(x).squared().mean() }
    XCTAssertEqual(try model(randomTensor([1, 1, 32, 24], seed: 8)).shape, [1, 1, 32, 24], "zero-shot at another resolution")
    let model3 = FNO(FNOConfiguration(modes: [2, 2, 2], width: 4, layers: 1, projection: 8), using: &g)
    XCTAssertEqual(try model3(randomTensor([1, 1, 6, 6, 6], seed: 9)).shape, [1, 1, 6, 6, 6])
  }
}

final class SpectralConvForwardTests: XCTestCase {
  /// The layer against numpy: `irfft2` of the weighted lowest modes (both corners) of `rfft2`.
  func testSpectralConvMatchesNumpy() throws {
    var g = SeededGenerator(seed: 11)
    let layer = SpectralConv(inputChannels: 3, outputChannels: 2, modes: [3, 2], using: &g)
    let x = randomTensor([2, 3, 8, 6], seed: 12)
    let y = try layer(x)
    let format: ([Float]) -> String = { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }
    let script = """
      import numpy as np
      x = np.array(\(format(x.scalars))).reshape(2, 3, 8, 6)
      w = np.array(\(format(layer.weight.scalars))).reshape(2, 3, 2, 3, 2, 2)
      w = w[..., 0] + 1j * w[..., 1]          # [block, m1, m2, in, out]
      X = np.fft.rfft2(x)
      Y = np.zeros((2, 2, 8, 4), dtype=complex)
      Y[:, :, :3, :2] = np.einsum('bixy,xyio->boxy', X[:, :, :3, :2], w[0])
      Y[:, :, -3:, :2] = np.einsum('bixy,xyio->boxy', X[:, :, -3:, :2], w[1])
      print(' '.join(str(v) for v in np.fft.irfft2(Y, s=(8, 6)).ravel()))
      """
    let reference = try runPython(script).split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
    assertClose(y.scalars.map(Double.init), reference, rtol: 0, atol: 1e-5)
  }
}
