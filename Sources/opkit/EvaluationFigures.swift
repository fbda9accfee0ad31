import Foundation
import OperatorKit

/// The pictures of an evaluation, what `opkit evaluate --png` writes and `--logdir` logs at the
/// end of training: for fields on a 2D grid (or flattened 3D), panels of the first samples —
/// input (when on the output grid), truth, prediction, |error| — with truth and prediction on
/// one colour range; for 1D fields, their curves; for a rollout, the first sample's truth,
/// prediction and |error| at evenly spaced steps, and the relative L2 error over the steps.
struct EvaluationFigures {
  /// The samples (or a rollout's steps).
  let samples: any Figure
  /// A rollout's relative L2 per step; nil for other models.
  let errorGrowth: LineChart?

  /// The pictures of `trained` on `dataset` (named `name` in titles) with up to `pictures`
  /// samples or steps.
  /// - Throws: ``CommandFailure`` for unaligned data (queries), which has no grid to draw;
  ///   errors of the model.
  init(of trained: any InferenceModel, on dataset: OperatorDataset, named name: String, evaluation: Evaluation, pictures: Int) throws {
    guard dataset.queries == nil else {
      throw CommandFailure("\(name): unaligned data (queries.npy) has no grid to draw; evaluate on a grid dataset for --png")
    }
    let (grid, points) = (dataset.outputSpatialShape, dataset.outputSpatialShape.reduce(1, *))
    let extent = grid.count == 2 ? (grid[0], grid[1]) : (1, points)
    if trained.rolloutSteps != nil {
      let first = dataset.subset([0])
      let prediction = try trained.predict(first.inputs, queries: nil)
      let steps = first.outputs.shape[1]
      let shown = min(pictures, steps)
      let shownSteps = (0..<shown).map { k in shown > 1 ? k * (steps - 1) / (shown - 1) : 0 }
      let rows = shownSteps.map { t -> [[Double]] in
        let range = (t * points)..<((t + 1) * points)
        let (u, p) = (first.outputs.scalars[range].map(Double.init), prediction.scalars[range].map(Double.init))
        return [u, p, zip(u, p).map { abs($0 - $1) }]
      }
      samples = FieldGrid(
        panels: rows, extent: extent, columnTitles: ["truth", "prediction", "|error|"], rowLabels: shownSteps.map { "step \($0 + 1)" },
        sharedColumns: [0, 1], title: "\(trained.kind) rollout, sample 0 of \(name)")
      errorGrowth = LineChart(
        [.init(values: evaluation.relativeL2PerChannel, label: "test relative L2", colour: .orange)],
        title: "\(trained.kind): error over the rollout (\(dataset.count) samples)", xLabel: "rolled-out step", yLabel: "relative L2")
      return
    }
    errorGrowth = nil
    let shown = dataset.subset(Array(0..<min(pictures, dataset.count)))
    let prediction = try trained.predict(shown.inputs, queries: nil)
    // Channel 0 of each field; the input panel only when inputs and outputs share the grid.
    let sameGrid = dataset.spatialShape == grid
    let field = { (t: Tensor, i: Int) in
      let size = t.shape.dropFirst(2).reduce(1, *), start = i * t.shape[1] * size
      return t.scalars[start..<(start + size)].map(Double.init)
    }
    let title = "\(trained.kind) on \(name), \(grid.map(String.init).joined(separator: "×"))"
    if grid.count == 1 {
      // Curves: each shown sample's truth (solid) and prediction (dashed), one colour per sample.
      let series = (0..<shown.count).flatMap { i in
        let colour = Colour.cycle[i % Colour.cycle.count]
        return [
          LineChart.Series(values: field(shown.outputs, i), label: "truth, sample \(i)", colour: colour),
          .init(values: field(prediction, i), label: "prediction, sample \(i)", colour: colour, dashed: true),
        ]
      }
      samples = LineChart(series, title: title, xLabel: "x", yLabel: "u", x: (0..<points).map { Double($0) / Double(max(1, points - 1)) })
    } else {
      let rows = (0..<shown.count).map { i -> [[Double]] in
        let (u, p) = (field(shown.outputs, i), field(prediction, i))
        return (sameGrid ? [field(shown.inputs, i)] : []) + [u, p, zip(u, p).map { abs($0 - $1) }]
      }
      samples = FieldGrid(
        panels: rows, extent: extent, columnTitles: (sameGrid ? ["input"] : []) + ["truth", "prediction", "|error|"],
        rowLabels: (0..<shown.count).map { "sample \($0)" }, sharedColumns: sameGrid ? [1, 2] : [0, 1], title: title)
    }
  }
}
