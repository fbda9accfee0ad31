import Datasets
import Foundation
import Operators
import PDEData
import Tensors
import TestSupport
import Training
import XCTest

/// The autoregressive FNO through the shared trainer, on Navier–Stokes trajectories from the
/// dataset generator (the code path of `opkit generate navier-stokes`).
final class RolloutTrainingTests: XCTestCase {
  private static let directory = temporaryDirectory("rollout-training-tests")

  /// 16 trajectories of 10 snapshots at 16², generated once.
  private static let navierStokes: OperatorDataset = {
    let path = directory.appendingPathComponent("ns16").path
    // Safe in tests: the parameters are valid; a failure here fails every test that uses it.
    let problem = try! NavierStokesProblem(resolution: 16, solverResolution: 16, time: 1, recordEvery: 0.1)
    _ = try! TrajectoryDatasetGenerator(problem: problem, samples: 16, seed: 5, shardSize: 8).generate(in: path)
    return try! OperatorDataset(directory: path)
  }()

  private let configuration = FNORolloutConfiguration(stepsIn: 4, stepsOut: 3, modes: [4, 4], width: 8, layers: 2, projection: 16)
  private let options = TrainingOptions(epochs: 4, batchSize: 4, seed: 3, loss: .relativeL2PerStep, normalization: .none)

  func testTrajectoryWindowsSplitEachTrajectoryIntoHistoryAndFuture() throws {
    let data = RolloutTrainingTests.navierStokes
    XCTAssertEqual(data.outputs.shape, [16, 10, 16, 16])
    let windows = try data.trajectoryWindows(stepsIn: 4, stepsOut: 3)
    XCTAssertEqual(windows.inputs.shape, [16, 4, 16, 16])
    XCTAssertEqual(windows.outputs.shape, [16, 3, 16, 16])
    XCTAssertEqual(windows.inputs.scalars[0..<(4 * 256)], data.outputs.scalars[0..<(4 * 256)])
    XCTAssertEqual(windows.outputs.scalars[0..<(3 * 256)], data.outputs.scalars[(4 * 256)..<(7 * 256)])
    XCTAssertThrowsError(try data.trajectoryWindows(stepsIn: 8, stepsOut: 3)) {
      XCTAssert("\($0)".contains("need trajectories of at least 11 snapshots"), "\($0)")
    }
  }

  func testAResumedRolloutTrainingEqualsTheUninterruptedOne() throws {
    let windows = try RolloutTrainingTests.navierStokes.trajectoryWindows(stepsIn: 4, stepsOut: 3)
    let (train, test) = windows.split(testFraction: 0.25, seed: 1)
    var g = SplitMix64(seed: 4)
    let checkpoint = RolloutTrainingTests.directory.appendingPathComponent("rollout.safetensors").path
    let straight = try assertResumedTrainingEqualsUninterrupted(
      FNORollout(configuration, using: &g), options: options, train: train, test: test, checkpoint: checkpoint)
    XCTAssertLessThan(straight.history.last!.trainLoss, straight.history.first!.trainLoss, "the rollout loss falls")

    // The per-step test errors: one per rolled-out step, averaging to about the whole error.
    let evaluation = try straight.evaluate(test)
    XCTAssertEqual(evaluation.relativeL2PerChannel.count, 3)
    let mean = evaluation.relativeL2PerChannel.reduce(0, +) / 3
    XCTAssertEqual(mean, evaluation.relativeL2, accuracy: 0.2 * evaluation.relativeL2)
  }
}
