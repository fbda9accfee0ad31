import Datasets
import Foundation
import Layers
import Operators
import Tensors
import TestSupport
import Training
import XCTest

/// bench/opkit_draws.py reproduces opkit's random draws bit for bit — the initial weights a new
/// training run draws and the trainer's batch orders — so the PyTorch transcriptions can start
/// from the very draw opkit started from (`fno2d_time_reference.py --draws opkit`).
final class DrawReproductionTests: XCTestCase {
  private let configuration = FNORolloutConfiguration(stepsIn: 2, stepsOut: 1, modes: [3, 3], width: 4, layers: 2, projection: 5)
  private let (seed, samples, batch, epochs): (UInt64, Int, Int, Int) = (7, 37, 5, 3)

  func testThePythonReproductionDrawsTheInitialWeightsAndBatchOrdersOfATrainingRun() throws {
    let data = try WindowDataset(inputs: Tensor(zeros: [samples, 2, 1]), targets: Tensor(zeros: [samples, 1, 1]))
    let options = TrainingOptions(epochs: epochs, batchSize: batch, seed: seed, loss: .relativeL2PerStep, normalization: .none)
    let checkpoint = temporaryDirectory("draw-reproduction").appendingPathComponent("never-written.safetensors").path
    let run = try TrainingRun<FNORollout>(configuration, options: options, fittingNormalizersTo: data, checkpoint: checkpoint, resume: false)
    var weights = [String: [Float]]()
    run.trainer.model.visitParameters { weights[$0] = $1.scalars }
    let orders = (0..<epochs).map { data.batchIndices(size: batch, epoch: $0, seed: seed).flatMap { $0 } }

    let bench = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../bench").path
    let output = try runPython(
      """
      import json, sys
      sys.path.insert(0, "\(bench)")
      from opkit_draws import SplitMix64, batch_orders, fno_initial_weights
      weights = fno_initial_weights(SplitMix64(\(seed)), 2, 1, 3, 4, 2, 5, prefix="network.")
      print(json.dumps({"weights": {k: [float(x) for x in v.ravel()] for k, v in weights.items()},
                        "orders": batch_orders(\(seed), \(epochs), \(samples))}))
      """)
    struct Draws: Decodable {
      let weights: [String: [Float]]
      let orders: [[Int]]
    }
    let python = try JSONDecoder().decode(Draws.self, from: Data(output.utf8))
    XCTAssertEqual(Set(python.weights.keys), Set(weights.keys))
    for (path, values) in weights {
      XCTAssertEqual(python.weights[path], values, "\(path): the Python draws differ")
    }
    XCTAssertEqual(python.orders, orders)
  }
}
