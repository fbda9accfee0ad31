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

  func validate() throws {
    guard pictures >= 1 else { throw ValidationError("--pictures must be at least 1") }
  }

  func run() throws {
    global.apply()
    var trained = try ModelRegistry.standard.load(checkpointAt: model)
    // Models that query any grid (DeepONet) answer on the data's output grid.
    let dataset = try source.load(sameGrid: !trained.queriesAnyGrid)
    if trained.queriesAnyGrid { trained = trained.querying(outputGrid: dataset.outputSpatialShape) }
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
      if grid.count == 1 {
        // Curves: each shown sample's truth (blue) and prediction (orange).
        let series = (0..<shown.count).flatMap { i in
          [
            LinePlot.Series(values: field(shown.outputs, i), colour: (31, 119, 180)),
            .init(values: field(prediction, i), colour: (255, 127, 14)),
          ]
        }
        try LinePlot.render(series, scale: .linear).image.write(to: png)
      } else {
        let extent = grid.count == 2 ? (grid[0], grid[1]) : (1, points)
        try FieldPanels(panels: rows, extent: extent, sharedColumns: sameGrid ? [1, 2] : [0, 1]).image().write(to: png)
      }
    }
    if let predictions { try writePredictions(of: trained, inputs: dataset.inputs, queries: dataset.queries, to: predictions) }
    let report = EvaluationReport(
      model: trained.kind, samples: dataset.count, resolution: dataset.spatialShape, relativeL2: evaluation.relativeL2,
      relativeH1: evaluation.relativeH1, mse: evaluation.mse, seconds: seconds)
    if global.json {
      print(try jsonLine(report))
    } else {
      print(
        String(
          format: "%@ on %d samples at %@: relative L2 %.4f, relative H1 %.4f, MSE %.3g (%.2f s)%@", trained.kind, dataset.count,
          dataset.spatialShape.map(String.init).joined(separator: "x"), evaluation.relativeL2, evaluation.relativeH1, evaluation.mse,
          seconds,
          png.map {
            dataset.outputSpatialShape.count == 1
              ? "; wrote \($0) (truth blue, prediction orange)"
              : "; wrote \($0) (columns: \(dataset.spatialShape == dataset.outputSpatialShape ? "input, " : "")truth, prediction, |error|)"
          } ?? ""))
    }
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
  let seconds: Double
  enum CodingKeys: String, CodingKey {
    case model, samples, resolution, seconds, mse
    case relativeL2 = "relative_l2", relativeH1 = "relative_h1"
  }
}
