import Layers
import Operators
import Tensors
import TestSupport
import Training
import XCTest

/// The autoregressive FNO: the rollout feeds predictions back, gradients flow through it, and
/// the per-step loss is what it says.
final class FNORolloutTests: XCTestCase {
  private let small = FNORolloutConfiguration(stepsIn: 3, stepsOut: 2, modes: [2, 2], width: 4, layers: 2, projection: 8)

  private func model(seed: UInt64 = 1) -> FNORollout {
    var g = SplitMix64(seed: seed)
    return FNORollout(small, using: &g)
  }

  func testTheRolloutFeedsEachPredictionBackAsTheNewestSnapshot() throws {
    let rollout = model()
    let x = randomTensor([2, 3, 8, 8], seed: 3)
    let y = try rollout(x)
    XCTAssertEqual(y.shape, [2, 2, 8, 8])
    // By hand: step 1 from the window, step 2 from the window shifted by one with step 1 appended.
    let first = try rollout.network(x)
    let shifted = try Tensor.concatenated([x.sliced([0..<2, 1..<3]), first], alongAxis: 1)
    let second = try rollout.network(shifted)
    assertClose(y.scalars.map(Double.init), try Tensor.concatenated([first, second], alongAxis: 1).scalars.map(Double.init), rtol: 0, atol: 1e-6)
    // Rolling out further continues the same trajectory.
    let longer = try XCTUnwrap(rollout.rollingOut(steps: 4))
    let four = try longer(x)
    XCTAssertEqual(four.shape, [2, 4, 8, 8])
    assertClose(
      try four.sliced([0..<2, 0..<2]).scalars.map(Double.init), y.scalars.map(Double.init), rtol: 0, atol: 1e-6, "the first two steps")
    XCTAssertNil(rollout.rollingOut(steps: 0))
    XCTAssertEqual(rollout.rolloutSteps?.history, 3)
    XCTAssertEqual(rollout.rolloutSteps?.predicted, 2)
    var g = SplitMix64(seed: 0)
    XCTAssertNil(FNO(small.network, using: &g).rolloutSteps, "a steady FNO is no autoregressive model")
  }

  /// An independent implementation: the rollout loop of the PyTorch transcription of
  /// fourier_2d_time.py (bench/fno2d_time_reference.py) gives the same three-step rollout and
  /// parameter gradients through it for the same weights and input
  /// (Tests/Fixtures/fno2d-rollout-pytorch.safetensors, from bench/fno3d_fixture.py).
  func testRolloutAndItsGradientsAgreeWithPyTorch() throws {
    var g = SplitMix64(seed: 1)
    let model = FNORollout(FNORolloutConfiguration(stepsIn: 3, stepsOut: 3, modes: [2, 2], width: 4, layers: 2, projection: 8), using: &g)
    try assertAgreesWithPyTorchFixture(model, fixture: "fno2d-rollout-pytorch.safetensors") { try $0($1) }
  }

  func testGradientsFlowThroughATwoStepRollout() throws {
    let rollout = model(seed: 2)
    let x = randomTensor([2, 3, 8, 8], seed: 4)
    let target = randomTensor([2, 2, 8, 8], seed: 5)
    // Parameters: every one reached, sampled entries against finite differences of the loss.
    try checkParameterGradients(rollout, entries: 3) { model in
      try Loss.relativeL2PerChannel(model(x), target, reduction: .sum)
    }
    // Inputs: the whole rollout; and the oldest snapshot, which the second step sees only
    // through the first step's prediction fed back.
    try checkGradients([randomTensor([1, 3, 8, 8], seed: 6)], tolerance: 2e-2) { inputs in try rollout(inputs[0]) }
    // (Weights scaled up so that the fed-back prediction moves the next step well above the
    // finite differences' Float32 round-off.)
    var sensitive = rollout
    sensitive.updateParameters { _, value in value = value * 2.5 }
    let newer = randomTensor([1, 2, 8, 8], seed: 7)
    try checkGradients([randomTensor([1, 1, 8, 8], seed: 6)], tolerance: 2e-2) { inputs in
      try sensitive(Tensor.concatenated([inputs[0], newer], alongAxis: 1)).sliced([0..<1, 1..<2])
    }
  }

  func testRelativeL2PerChannelSumsEachChannelsRelativeError() throws {
    // Sample 0: channel 0 off by 10% of its norm, channel 1 by 50%; sample 1: exact.
    let target = try Tensor(shape: [2, 2, 2], scalars: [3, 4, 0, 2, 1, 1, 1, 1])
    let prediction = try Tensor(shape: [2, 2, 2], scalars: [3.3, 4.4, 0, 3, 1, 1, 1, 1])
    XCTAssertEqual(try Loss.relativeL2PerChannel(prediction, target, reduction: .sum).scalar, 0.6, accuracy: 1e-6)
    XCTAssertEqual(try Loss.relativeL2PerChannel(prediction, target, reduction: .mean).scalar, 0.3, accuracy: 1e-6)
    try checkGradients([randomTensor([2, 3, 5], seed: 8)]) { inputs in
      try Loss.relativeL2PerChannel(inputs[0], randomTensor([2, 3, 5], seed: 9), reduction: .sum)
    }
  }

  func testConfigurationsThatMakeNoRolloutAreNamedErrors() throws {
    var configuration = small
    configuration.stepsOut = 0
    XCTAssertThrowsError(try configuration.validate()) { XCTAssert("\($0)".contains("steps in and out must be at least 1"), "\($0)") }
    configuration = small
    configuration.network.inputChannels = 4
    XCTAssertThrowsError(try configuration.validate()) { XCTAssert("\($0)".contains("must take 3 channels"), "\($0)") }
    XCTAssertThrowsError(try small.validate(input: [1, 2, 8, 8])) { XCTAssert("\($0)".contains("takes 3 input channels"), "\($0)") }
    XCTAssertThrowsError(try small.validate(input: [1, 3, 3, 3])) { XCTAssert("\($0)".contains("too small"), "\($0)") }
  }
}
