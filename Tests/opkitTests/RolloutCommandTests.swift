import Foundation
import OperatorKit
import TestSupport
import XCTest

/// `opkit train fno` and `opkit train afno` on Navier–Stokes trajectories (rollout mode chosen
/// from `meta.json`), `evaluate --steps` and `predict --steps` of the trajectory models.
final class RolloutCommandTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-rollout-tests")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
  private func run(_ arguments: [String]) throws -> ProcessResult { try runProcess(builtOpkit(), arguments) }
  private func json(_ result: ProcessResult) throws -> [String: Any] {
    XCTAssertEqual(result.status, 0, result.err)
    return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], result.out)
  }

  /// Trains the rollout on 24 trajectories of 12 snapshots (4 in, 6 out): it beats predicting
  /// the training set's mean trajectory, reports one test error per step, and its predictions
  /// from the dataset directory equal `evaluate --predictions`; a longer `--steps` extends the
  /// same trajectories.
  func testRolloutTrainingEvaluationAndPrediction() throws {
    let (data, model) = (try generateTrajectories("ns", seed: 0), path("rollout.safetensors"))
    let report = try trainBeatingTheMeanTrajectory(
      [
        "train", "fno", "--data", data, "--steps-in", "4", "--steps-out", "6", "--modes", "4", "--width", "12", "--epochs", "30",
        "--batch", "4", "--lr", "3e-3", "--out", model,
      ], kind: "fno-rollout", data: data)
    XCTAssertNotNil(report["train_relative_l2_summed_over_steps"])
    let evaluated = try json(try run(["evaluate", "--model", model, "--data", data, "--json", "--png", path("r.png")]))
    XCTAssertEqual((evaluated["relative_l2_per_step"] as? [Double])?.count, 6)
    XCTAssert(FileManager.default.fileExists(atPath: path("r-error-growth.png")))
    let a = try assertPredictionsEqualEvaluation(of: model, on: data, name: "rollout")
    // Eight steps: the first six are the same rollout.
    XCTAssertEqual(try run(["predict", "--model", model, "--input", data, "--out", path("longer.npy"), "--steps", "8"]).status, 0)
    let longer = try NumpyArray(contentsOf: path("longer.npy"))
    XCTAssertEqual(longer.shape, [30, 8, 16, 16])
    var firstSix = [Double]()
    for n in 0..<30 { firstSix += longer.values[(n * 8 * 256)..<((n * 8 + 6) * 256)] }
    let largest: Double = zip(firstSix, a.values).map { abs($0 - $1) }.max() ?? .infinity
    XCTAssertLessThanOrEqual(largest, 1e-6)

    // The surrogate figures: the rollout against the stepper over the same six snapshots.
    let bench = try json(try run(["bench", "--suite", "surrogate", "--surrogate", "\(model)=\(data)", "--repeats", "1", "--json"]))
    let row = try XCTUnwrap((bench["surrogate"] as? [[String: Any]])?.first)
    XCTAssertEqual(row["kind"] as? String, "fno-rollout")
    XCTAssertEqual(row["solver"] as? String, "spectral CN 16² over t = 0.6")
    XCTAssertGreaterThan(try XCTUnwrap(row["solver_seconds_per_sample"] as? Double), 0)
    XCTAssertGreaterThan(try XCTUnwrap(row["speedup"] as? Double), 0)
    let unpaired = try run(["bench", "--suite", "surrogate", "--surrogate", model])
    XCTAssertEqual(unpaired.status, 64, unpaired.err)
    XCTAssertTrue(unpaired.err.contains("--surrogate takes MODEL=DIR"), unpaired.err)

    // Hostile: too many steps for the data, normalized rollouts, --steps of a steady model.
    for (arguments, message) in [
      (["evaluate", "--model", model, "--data", data, "--steps", "9"], "12 snapshots, 4 given and at most 8 to predict"),
      (["evaluate", "--model", model, "--data", data, "--steps", "9223372036854775807"], "at most 8 to predict"),
      (
        ["train", "fno", "--data", data, "--steps-in", "4", "--normalization", "gaussian", "--out", path("n.safetensors")],
        "--normalization gaussian: a rollout feeds its predictions back"
      ),
      (["train", "fno", "--data", data, "--steps-in", "12", "--out", path("n.safetensors")], "need trajectories of at least"),
      (
        ["predict", "--model", model, "--input", data, "--out", path("x.npy"), "--steps", "1000000000000"],
        "need more than the"
      ),
      (
        ["predict", "--model", model, "--input", path("ns/coeff.npy"), "--out", path("x.npy")],
        "expected real (N, T, s, s) snapshots of 2D fields, got shape [30, 16, 16]"
      ),
    ] {
      let result = try run(arguments)
      XCTAssertEqual(result.status, 1, "\(arguments): \(result.err)")
      XCTAssertTrue(result.err.hasPrefix("opkit: error: ") && result.err.contains(message), result.err)
      XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
    }
  }

  /// The space-time FNO on the same kind of data: it trains (below the mean trajectory's
  /// error), reports per-step errors, predicts what evaluate predicts, and refuses other step
  /// counts.
  func testSpaceTimeTrainingEvaluationAndPrediction() throws {
    let (data, model) = (try generateTrajectories("ns-st", seed: 2), path("space-time.safetensors"))
    try trainBeatingTheMeanTrajectory(
      [
        "train", "fno", "--mode", "space-time", "--data", data, "--steps-in", "4", "--steps-out", "6", "--modes", "4", "--width", "8",
        "--time-padding", "2", "--epochs", "20", "--batch", "5", "--lr", "3e-3", "--out", model,
      ], kind: "fno-space-time", data: data)
    try assertPredictionsEqualEvaluation(of: model, on: data, name: "st")
    let longer = try run(["predict", "--model", model, "--input", data, "--out", path("st-longer.npy"), "--steps", "8"])
    XCTAssertEqual(longer.status, 1)
    XCTAssertTrue(longer.err.contains("predicts exactly 6 steps"), longer.err)

    // Spectral-Refiner: the same first phase, then the last layer fine-tuned on the H⁻¹ loss.
    let refinedModel = path("refined.safetensors")
    for file in [refinedModel, path("refined-base.safetensors")] { try? FileManager.default.removeItem(atPath: file) }
    let refining = [
      "train", "fno", "--mode", "space-time", "--data", data, "--steps-in", "4", "--steps-out", "6", "--modes", "4", "--width", "8",
      "--time-padding", "2", "--epochs", "3", "--refine", "2", "--batch", "5", "--out", refinedModel, "--json",
    ]
    let logs = path("refine-logs")
    try? FileManager.default.removeItem(atPath: logs)
    let refined = try json(try run(refining + ["--logdir", logs]))
    // Each phase its own TensorBoard run: the first in the directory, the refinement in `refine/`.
    for (directory, tag, epochs) in [(logs, "train/relative_l2", 3), (logs + "/refine", "train/relative_h_minus_1", 2)] {
      let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("events.out.tfevents.") }
      XCTAssertEqual(files.count, 1, directory)
      XCTAssertEqual(try EventFile(contentsOf: directory + "/" + files[0]).scalars[tag]?.map(\.step), Array(1...epochs), directory)
    }
    XCTAssertNotNil(refined["test_relative_l2_before_refining"] as? Double)
    XCTAssertNotNil(refined["train_relative_h_minus_1"] as? Double)
    XCTAssertEqual(refined["epochs"] as? Int, 2)
    XCTAssert(FileManager.default.fileExists(atPath: path("refined-base.safetensors")))
    let resumed = try json(try run(refining + ["--resume"]))
    XCTAssertEqual(resumed["test_relative_l2"] as? Double, refined["test_relative_l2"] as? Double, "nothing left to train")
    XCTAssertEqual(try run(["evaluate", "--model", refinedModel, "--data", data]).status, 0)
  }

  /// AFNO on trajectories (snapshots as channels, chosen from meta.json): it trains below the
  /// mean trajectory's error, reports per-step errors, predicts what evaluate predicts, and
  /// refuses another grid.
  func testAFNOOnTrajectories() throws {
    let (data, model) = (try generateTrajectories("ns-afno", seed: 3), path("afno.safetensors"))
    try trainBeatingTheMeanTrajectory(
      [
        "train", "afno", "--data", data, "--steps-in", "4", "--steps-out", "6", "--embedding", "16", "--depth", "2", "--blocks", "4",
        "--epochs", "20", "--batch", "5", "--lr", "3e-3", "--out", model,
      ], kind: "afno", data: data)
    try assertPredictionsEqualEvaluation(of: model, on: data, name: "afno")
    try NumpyArray(shape: [2, 4, 8, 8], values: Array(repeating: 0.5, count: 512), dtype: .float32).write(to: path("coarse.npy"))
    let coarse = try run(["predict", "--model", model, "--input", path("coarse.npy"), "--out", path("afno-coarse.npy")])
    XCTAssertEqual(coarse.status, 1)
    XCTAssertTrue(coarse.err.contains("learned its position embedding on the grid [16, 16]"), coarse.err)
  }

  /// 30 Navier–Stokes trajectories of 12 snapshots at 16² in `name`.
  private func generateTrajectories(_ name: String, seed: Int) throws -> String {
    let data = path(name)
    let generated = try run([
      "generate", "navier-stokes", "--resolution", "16", "--solver-resolution", "16", "--time", "1.2", "--record-every", "0.1",
      "--samples", "30", "--seed", "\(seed)", "--out", data,
    ])
    XCTAssertEqual(generated.status, 0, generated.err)
    return data
  }

  /// Runs `train` (4 snapshots in, 6 out; `--json` added) afresh and checks the report: the
  /// model kind, one test error per step, and a test error below half the mean trajectory's.
  @discardableResult
  private func trainBeatingTheMeanTrajectory(_ arguments: [String], kind: String, data: String) throws -> [String: Any] {
    if let out = arguments.firstIndex(of: "--out") { try? FileManager.default.removeItem(atPath: arguments[out + 1]) }
    let report = try json(try run(arguments + ["--json"]))
    XCTAssertEqual(report["model"] as? String, kind)
    XCTAssertEqual((report["test_relative_l2_per_step"] as? [Double])?.count, 6)
    let baseline = try meanTrajectoryRelativeL2(data + "/sol.npy", from: 4, steps: 6)
    let error = try XCTUnwrap(report["test_relative_l2"] as? Double)
    XCTAssertLessThan(error, 0.5 * baseline, "\(kind) \(error) against the mean trajectory's \(baseline)")
    return report
  }

  /// `predict` on the dataset directory writes what `evaluate --predictions` writes (to 1e-6):
  /// 30 trajectories of 6 steps; returns them.
  @discardableResult
  private func assertPredictionsEqualEvaluation(of model: String, on data: String, name: String) throws -> NumpyArray {
    XCTAssertEqual(try run(["evaluate", "--model", model, "--data", data, "--predictions", path("\(name)-evaluated.npy")]).status, 0)
    XCTAssertEqual(try run(["predict", "--model", model, "--input", data, "--out", path("\(name)-predicted.npy")]).status, 0)
    let (a, b) = (try NumpyArray(contentsOf: path("\(name)-evaluated.npy")), try NumpyArray(contentsOf: path("\(name)-predicted.npy")))
    XCTAssertEqual(a.shape, [30, 6, 16, 16])
    XCTAssertEqual(b.shape, a.shape)
    let difference: Double = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? .infinity
    XCTAssertLessThanOrEqual(difference, 1e-6)
    return a
  }

  /// The mean relative L2 error, over the last 20% of the trajectories in `file` (N, T, s, s),
  /// of predicting steps `from..<from + steps` by the mean over the first 80%.
  private func meanTrajectoryRelativeL2(_ file: String, from: Int, steps: Int) throws -> Double {
    let u = try NumpyArray(contentsOf: file)
    let (n, t, points) = (u.shape[0], u.shape[1], u.shape[2] * u.shape[3])
    let train = n * 4 / 5
    let block = steps * points
    var mean = [Double](repeating: 0, count: block)
    for i in 0..<train { for k in 0..<block { mean[k] += u.values[i * t * points + from * points + k] / Double(train) } }
    var total = 0.0
    for i in train..<n {
      let truth = u.values[(i * t * points + from * points)..<(i * t * points + from * points + block)]
      let error = zip(truth, mean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
      total += (error / truth.reduce(0.0) { $0 + $1 * $1 }).squareRoot()
    }
    return total / Double(n - train)
  }
}
