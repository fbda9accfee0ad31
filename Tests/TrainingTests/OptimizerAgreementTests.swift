import Datasets
import Foundation
import Layers
import Operators
import Tensors
import TestSupport
import Training
import XCTest

/// The trainer's optimizer path against PyTorch's: the same start, batch and loss, twenty
/// steps of Adam with weight decay, the same parameters at the end.
final class OptimizerAgreementTests: XCTestCase {
  /// `torch.optim.Adam` (lr 1e-2, weight decay 1e-4) on the rollout FNO-2D with the per-step
  /// relative L2 loss (Tests/Fixtures/trainer-pytorch.safetensors, from bench/trainer_fixture.py):
  /// `Trainer.step` sees the same losses step by step and ends at the same parameters, so the
  /// optimizer, weight decay and loss reduction are PyTorch's, complex spectral weights included.
  func testAdamStepsAgreeWithPyTorch() throws {
    let tensors = try pyTorchFixture("trainer-pytorch.safetensors")
    var g = SplitMix64(seed: 1)
    var model = FNORollout(FNORolloutConfiguration(stepsIn: 3, stepsOut: 3, modes: [2, 2], width: 4, layers: 2, projection: 8), using: &g)
    try model.loadParameters(tensors.filter { $0.key.hasPrefix("network.") })
    let (x, target) = (try XCTUnwrap(tensors["input"]), try XCTUnwrap(tensors["target"]))
    let options = TrainingOptions(epochs: 1, batchSize: 4, learningRate: 1e-2, weightDecay: 1e-4, loss: .relativeL2PerStep, normalization: .none)
    let data = try OperatorDataset(inputs: x, outputs: target)
    var trainer = Trainer(model: model, options: options, fittingNormalizersTo: data)
    var losses = [Double]()
    for _ in 0..<20 { losses.append(Double(try trainer.step(inputs: x, targets: target))) }
    assertClose(losses, try XCTUnwrap(tensors["losses"]).scalars.map(Double.init), rtol: 1e-4, "losses step by step")
    for (path, value) in trainer.model.parameters.sorted(by: { $0.key < $1.key }) {
      let expected = try XCTUnwrap(tensors["final.\(path)"], path)
      assertClose(value.scalars.map(Double.init), expected.scalars.map(Double.init), rtol: 1e-3, path)
    }
  }
}
