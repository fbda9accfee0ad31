import ArgumentParser
import Foundation
import OperatorKit

/// `opkit evaluate`: a trained model's errors on a dataset, at any resolution.
struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Relative L2 and H1 errors of a trained model on a dataset (any resolution), with a picture.")

  @OptionGroup var global: GlobalOptions

  @Option(help: "Checkpoint written by opkit train.") var model: String
  @OptionGroup var source: DatasetSource

  /// The `--data` path.
  var data: String { source.data }
  @Option(help: "Write a PNG: input, truth, prediction and |error| for the first samples.") var png: String?
  @Option(help: "Samples shown in the PNG.") var pictures: Int = 4

  @Option(
    help: """
      Write the predictions to this .npy file in sol.npy's layout: (N, s, …) or, for several \
      components, (N, K, s, …); complex64 for complex models.
      """)
  var predictions: String?

  @Option(help: "Autoregressive models: snapshots to roll out after the first ones (default: as many as the model was trained to predict).")
  var steps: Int?

  func validate() throws {
    // A column of 100 panels is about 21,000 points tall; Cairo's images stop at 32,767.
    guard (1...100).contains(pictures) else { throw ValidationError("--pictures must be between 1 and 100, got \(pictures)") }
    guard steps ?? 1 >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps ?? 0)") }
    try checkOutputs(
      [OutputFile("--predictions", predictions, ["npy"]), OutputFile("--png", png, FigureFormat.extensions)], inputs: [model, source.data])
  }

  func run() throws {
    global.apply()
    var trained = try ModelRegistry.standard.load(checkpointAt: model)
    // Models that query any grid (DeepONet) answer on the data's output grid.
    var dataset = try source.load(sameGrid: !trained.queriesAnyGrid)
    if trained.queriesAnyGrid { trained = trained.querying(outputGrid: dataset.outputSpatialShape) }
    trained = try trained.predicting(steps: steps, checkpoint: model) { steps in
      // The truth must hold that many snapshots after the given ones.
      let (have, given) = (dataset.outputs.shape[1], trained.rolloutSteps?.history ?? 0)
      return steps > have - given
        ? "\(data): the trajectories hold \(have) snapshots, \(given) given and at most \(have - given) to predict (shape \(dataset.outputs.shape))"
        : nil
    }
    if let rollout = trained.rolloutSteps {
      // Trajectories: their first snapshots in, the ones that follow as truth.
      do {
        dataset = try dataset.trajectoryWindows(stepsIn: rollout.history, stepsOut: rollout.predicted)
      } catch let error as DatasetFileError { throw CommandFailure("\(data): \(error.message)") }
    }
    try evaluate(trained, on: dataset)
  }

  /// Evaluates on the `--data` set, with pictures and a report.
  private func evaluate(_ trained: any InferenceModel, on dataset: OperatorDataset) throws {
    let start = ContinuousClock.now
    let evaluation = try trained.evaluation(of: dataset, batchSize: 50)
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    if png != nil, dataset.queries != nil {
      throw CommandFailure("\(data): unaligned data (queries.npy) has no grid to draw; evaluate on a grid dataset for --png")
    }
    if let png {
      let figures = try EvaluationFigures(
        of: trained, on: dataset, named: (data as NSString).lastPathComponent, evaluation: evaluation, pictures: pictures)
      try figures.samples.write(to: png)
      try figures.errorGrowth?.write(to: Self.growthPath(png))
    }
    if let predictions { try writePredictions(of: trained, inputs: dataset.inputs, queries: dataset.queries, to: predictions) }
    guard evaluation.relativeL2.isFinite, evaluation.mse.isFinite else {
      throw CommandFailure(
        "\(source.data): the errors are not finite (relative L2 \(evaluation.relativeL2), MSE \(evaluation.mse)): the data overflow "
          + "Float32 in the model, or hold NaN/infinity")
    }
    let perStep = trained.rolloutSteps != nil ? evaluation.relativeL2PerChannel : nil
    let report = EvaluationReport(
      model: trained.kind, samples: dataset.count, resolution: dataset.spatialShape, relativeL2: evaluation.relativeL2,
      relativeH1: evaluation.relativeH1, mse: evaluation.mse, relativeL2PerStep: perStep, seconds: seconds)
    if global.json {
      print(try jsonLine(report))
    } else {
      print(
        String(
          format: "%@ on %d samples at %@: relative L2 %.4f, relative H1 %.4f, MSE %.3g (%.2f s)%@", trained.kind, dataset.count,
          dataset.spatialShape.map(String.init).joined(separator: "x"), evaluation.relativeL2, evaluation.relativeH1, evaluation.mse,
          seconds,
          png.map {
            trained.rolloutSteps != nil
              ? "; wrote \($0) (rows: steps of sample 0; columns: truth, prediction, |error|) and \(Self.growthPath($0)) (relative L2 per step)"
              : dataset.outputSpatialShape.count == 1
                ? "; wrote \($0) (truth blue, prediction orange)"
                : "; wrote \($0) (columns: \(dataset.spatialShape == dataset.outputSpatialShape ? "input, " : "")truth, prediction, |error|)"
          } ?? ""))
      if let perStep { print("relative L2 per step: " + perStep.map { String(format: "%.4f", $0) }.joined(separator: " ")) }
    }
  }

  /// Where the error-growth curve of a rollout goes: `path` with `-error-growth` before its extension.
  static func growthPath(_ path: String) -> String {
    let stem = (path as NSString).deletingPathExtension
    return stem + "-error-growth." + ((path as NSString).pathExtension.isEmpty ? "png" : (path as NSString).pathExtension)
  }
}

/// The summary `opkit evaluate --json` prints.
struct EvaluationReport: Encodable {
  let model: String
  let samples: Int
  let resolution: [Int]
  let relativeL2: Double
  let relativeH1: Double
  let mse: Double
  /// The error of every rolled-out step (autoregressive models), else nil (not printed).
  let relativeL2PerStep: [Double]?
  let seconds: Double
  enum CodingKeys: String, CodingKey {
    case model, samples, resolution, seconds, mse
    case relativeL2 = "relative_l2", relativeH1 = "relative_h1", relativeL2PerStep = "relative_l2_per_step"
  }
}
