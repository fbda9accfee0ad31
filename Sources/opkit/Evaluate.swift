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
    guard pictures >= 1 else { throw ValidationError("--pictures must be at least 1") }
    try OptionLimits.require(["--pictures": pictures], atMost: OptionLimits.largestSize)
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
    if let png, trained.rolloutSteps != nil {
      try drawRollout(of: trained, on: dataset, evaluation: evaluation, to: png)
    } else if let png {
      let shown = dataset.subset(Array(0..<min(pictures, dataset.count)))
      let prediction = try trained.predict(shown.inputs, queries: nil)
      // Channel 0 of each field; the input panel only when inputs and outputs share the grid.
      let (grid, points) = (dataset.outputSpatialShape, dataset.outputSpatialShape.reduce(1, *))
      let sameGrid = dataset.spatialShape == grid
      let field = { (t: Tensor, i: Int) in
        let size = t.shape.dropFirst(2).reduce(1, *), start = i * t.shape[1] * size
        return t.scalars[start..<(start + size)].map(Double.init)
      }
      let rows = (0..<shown.count).map { i -> [[Double]] in
        let (u, p) = (field(shown.outputs, i), field(prediction, i))
        return (sameGrid ? [field(shown.inputs, i)] : []) + [u, p, zip(u, p).map { abs($0 - $1) }]
      }
      let title = "\(trained.kind) on \((data as NSString).lastPathComponent), \(grid.map(String.init).joined(separator: "×"))"
      if grid.count == 1 {
        // Curves: each shown sample's truth (solid) and prediction (dashed), one colour per sample.
        let series = (0..<shown.count).flatMap { i in
          let colour = Colour.cycle[i % Colour.cycle.count]
          return [
            LineChart.Series(values: field(shown.outputs, i), label: "truth, sample \(i)", colour: colour),
            .init(values: field(prediction, i), label: "prediction, sample \(i)", colour: colour, dashed: true),
          ]
        }
        let x = (0..<points).map { Double($0) / Double(max(1, points - 1)) }
        try LineChart(series, title: title, xLabel: "x", yLabel: "u", x: x).write(to: png)
      } else {
        let extent = grid.count == 2 ? (grid[0], grid[1]) : (1, points)
        try FieldGrid(
          panels: rows, extent: extent, columnTitles: (sameGrid ? ["input"] : []) + ["truth", "prediction", "|error|"],
          rowLabels: (0..<shown.count).map { "sample \($0)" }, sharedColumns: sameGrid ? [1, 2] : [0, 1], title: title
        ).write(to: png)
      }
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

  /// A rollout's pictures: truth, prediction and |error| of the first sample at up to
  /// `--pictures` evenly spaced steps (first and last included), and beside `path` the
  /// relative L2 error of every step (`…-error-growth.png`, linear scale).
  private func drawRollout(of trained: any InferenceModel, on dataset: OperatorDataset, evaluation: Evaluation, to path: String) throws {
    let first = dataset.subset([0])
    let prediction = try trained.predict(first.inputs, queries: nil)
    let (steps, grid) = (first.outputs.shape[1], dataset.outputSpatialShape)
    let points = grid.reduce(1, *)
    let shown = min(pictures, steps)
    let shownSteps = (0..<shown).map { k in shown > 1 ? k * (steps - 1) / (shown - 1) : 0 }
    let rows = shownSteps.map { t -> [[Double]] in
      let (u, p) = (
        first.outputs.scalars[(t * points)..<((t + 1) * points)].map(Double.init),
        prediction.scalars[(t * points)..<((t + 1) * points)].map(Double.init)
      )
      return [u, p, zip(u, p).map { abs($0 - $1) }]
    }
    let extent = grid.count == 2 ? (grid[0], grid[1]) : (1, points)
    try FieldGrid(
      panels: rows, extent: extent, columnTitles: ["truth", "prediction", "|error|"], rowLabels: shownSteps.map { "step \($0 + 1)" },
      sharedColumns: [0, 1], title: "\(trained.kind) rollout, sample 0 of \((data as NSString).lastPathComponent)"
    ).write(to: path)
    let growth = LineChart(
      [.init(values: evaluation.relativeL2PerChannel, label: "test relative L2", colour: .orange)],
      title: "\(trained.kind): error over the rollout (\(dataset.count) samples)", xLabel: "rolled-out step", yLabel: "relative L2")
    try growth.write(to: Self.growthPath(path))
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
