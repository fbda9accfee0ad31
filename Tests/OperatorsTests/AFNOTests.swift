import Layers
import Operators
import Tensors
import TestSupport
import Training
import XCTest

/// The Adaptive Fourier Neural Operator against an independent PyTorch implementation, its
/// gradients and its configuration errors.
final class AFNOTests: XCTestCase {
  private let small = AFNOConfiguration(
    inputChannels: 3, outputChannels: 2, grid: [8, 8], patch: 2, embedding: 8, depth: 2, blocks: 2, mlpRatio: 2)

  /// An AFNO written after FourCastNet's AFNO2D filter in PyTorch (bench/afno_fixture.py) gives
  /// the same output and parameter gradients for the same weights and input: orthonormal FFTs,
  /// the block-diagonal complex MLP, soft-thresholding, the double skip, patches in and out.
  func testForwardAndGradientsAgreeWithPyTorch() throws {
    var g = SeededGenerator(seed: 1)
    let model = AFNO(small, using: &g)
    try assertAgreesWithPyTorchFixture(model, fixture: "afno-pytorch.safetensors") { try $0($1) }
  }

  func testEveryParameterGetsAGradient() throws {
    var g = SeededGenerator(seed: 2)
    var model = AFNO(small, using: &g)
    // Weights well above the 0.02 start, so that the Fourier-domain MLP's ReLUs and the
    // soft-thresholding are exercised away from zero.
    model.updateParameters { _, value in value = value * 4 }
    let x = randomTensor([2, 3, 8, 8], seed: 3)
    XCTAssertEqual(try model(x).shape, [2, 2, 8, 8])
    let target = randomTensor([2, 2, 8, 8], seed: 4)
    try checkParameterGradients(model, epsilon: 3e-3, tolerance: 2e-2) { try Loss.relativeL2($0(x), target, reduction: .sum) }
  }

  func testConfigurationsThatMakeNoModelAreNamedErrors() throws {
    var configuration = small
    configuration.patch = 3
    XCTAssertThrowsError(try configuration.validate()) { XCTAssert("\($0)".contains("divisible into patches of 3"), "\($0)") }
    configuration = small
    configuration.blocks = 3
    XCTAssertThrowsError(try configuration.validate()) { XCTAssert("\($0)".contains("blocks dividing the embedding"), "\($0)") }
    XCTAssertThrowsError(try small.validate(input: [1, 3, 16, 16])) { XCTAssert("\($0)".contains("learned its position embedding on the grid [8, 8]"), "\($0)") }
    var g = SeededGenerator(seed: 9)
    XCTAssertNil(AFNO(small, using: &g).rolloutSteps)
    var trajectory = small
    trajectory.trajectory = true
    XCTAssertEqual(AFNO(trajectory, using: &g).rolloutSteps, RolloutSteps(history: 3, predicted: 2, dimension: 2))
  }
}
