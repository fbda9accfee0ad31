import Layers
import Operators
import Tensors
import TestSupport
import Training
import XCTest

/// The space-time FNO (the paper's `fourier_3d`): against an independent PyTorch transcription,
/// gradients, shapes and configuration errors.
final class FNOSpaceTimeTests: XCTestCase {
  private let small = FNOSpaceTimeConfiguration(stepsIn: 3, stepsOut: 4, modes: [2, 2, 2], width: 4, layers: 2, projection: 8, timePadding: 2)

  /// The PyTorch transcription of fourier_3d.py (bench/fno3d_time_reference.py) gives the same
  /// output and parameter gradients for the same weights and input — repetition along time,
  /// (x, y, t) coordinates, time padding and its removal, the four spectral corners
  /// (Tests/Fixtures/fno3d-time-pytorch.safetensors, from bench/fno3d_fixture.py).
  func testSpaceTimeForwardAndGradientsAgreeWithPyTorch() throws {
    var g = SeededGenerator(seed: 1)
    let model = FNOSpaceTime(small, using: &g)
    try assertAgreesWithPyTorchFixture(model, fixture: "fno3d-time-pytorch.safetensors") { try $0($1) }
  }

  func testEveryParameterGetsAGradientAndTimeIsTheChannelAxis() throws {
    var g = SeededGenerator(seed: 2)
    let model = FNOSpaceTime(small, using: &g)
    let x = randomTensor([2, 3, 8, 8], seed: 3)
    XCTAssertEqual(try model(x).shape, [2, 4, 8, 8])
    XCTAssertEqual(model.rolloutSteps, RolloutSteps(history: 3, predicted: 4, dimension: 2))
    XCTAssertNil(model.rollingOut(steps: 6), "all steps at once: no longer rollout")
    let target = randomTensor([2, 4, 8, 8], seed: 4)
    try checkParameterGradients(model) { try Loss.relativeL2($0(x), target, reduction: .sum) }
  }

  func testConfigurationsThatMakeNoModelAreNamedErrors() throws {
    var configuration = small
    configuration.network.modes = [2, 2, 5]
    XCTAssertThrowsError(try configuration.validate()) { XCTAssert("\($0)".contains("(padded to 6) are too few for 5 time modes"), "\($0)") }
    configuration = small
    configuration.network.modes = [2]
    XCTAssertThrowsError(try configuration.validate()) { XCTAssert("\($0)".contains("needs space and time axes"), "\($0)") }
    configuration = small
    configuration.network.padding = [0, -1, 2]
    XCTAssertThrowsError(try configuration.validate()) { XCTAssert("\($0)".contains("padding must give a non-negative count"), "\($0)") }
    XCTAssertThrowsError(try small.validate(input: [1, 3, 3, 8])) { XCTAssert("\($0)".contains("too small"), "\($0)") }
  }
}
