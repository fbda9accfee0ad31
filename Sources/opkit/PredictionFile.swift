import Foundation
import OperatorKit

/// Writes `trained`'s predictions for every sample of `inputs` (`[N, C, s…]`; at per-sample
/// `queries` when given) to the `.npy` file `path` (atomically), in the layout of `sol.npy`:
/// channels become components, complex models' channel pairs become complex64 values, and a
/// single component is squeezed away — `(N, s…)`, `(N, K, s…)` or `(N, P)` for queries.
/// Predicts in batches of `batchSize`.
/// - Throws: the model's errors, or ``DatasetFileError`` when the file cannot be written.
func writePredictions(of trained: any InferenceModel, inputs: Tensor, queries: Tensor?, to path: String, batchSize: Int = 50) throws {
  let complex = trained.outputsAreComplex
  let count = inputs.shape[0]
  var values = [Double]()
  var shape = [Int]()
  for start in stride(from: 0, to: count, by: batchSize) {
    let rows = Array(start..<min(start + batchSize, count))
    let y = try trained.predict(inputs.rows(rows), queries: queries?.rows(rows))
    shape = Array(y.shape.dropFirst())
    let (channels, points) = (y.shape[1], y.shape.dropFirst(2).reduce(1, *))
    for n in 0..<y.shape[0] {
      if complex {
        // Channels (2k, 2k + 1) → interleaved (re, im) of component k.
        for k in 0..<(channels / 2) {
          for q in 0..<points {
            values.append(Double(y.scalars[(n * channels + 2 * k) * points + q]))
            values.append(Double(y.scalars[(n * channels + 2 * k + 1) * points + q]))
          }
        }
      } else {
        values += y.scalars[(n * channels * points)..<((n + 1) * channels * points)].map(Double.init)
      }
    }
  }
  let components = complex ? shape[0] / 2 : shape[0]
  let fileShape = [count] + (components > 1 ? [components] : []) + shape.dropFirst()
  try NumpyArray(shape: fileShape, values: values, dtype: complex ? .complex64 : .float32).write(to: path)
}

extension InferenceModel {
  /// The model predicting `steps` snapshots (`--steps`; nil: as trained), loaded from
  /// `checkpoint`; `limit(steps)` says why a count is too many (nil: it is not), checked before
  /// anything of that size is built.
  /// - Throws: ``CommandFailure`` for `--steps` of a model that predicts no trajectory, or
  ///   predicts a fixed number of steps (space-time, or outputs normalized step by step), or
  ///   more steps than `limit` allows.
  func predicting(steps: Int?, checkpoint: String, limit: (Int) -> String? = { _ in nil }) throws -> any InferenceModel {
    guard let steps else { return self }
    guard let rollout = rolloutSteps else {
      throw CommandFailure("--steps: a \(kind) model predicts one output per input, not a trajectory")
    }
    if let reason = limit(steps) { throw CommandFailure("--steps \(steps): \(reason)") }
    if steps == rollout.predicted { return self }
    guard let rolling = rollingOut(steps: steps) else {
      throw CommandFailure(
        "--steps: \(checkpoint) predicts exactly \(rollout.predicted) steps (a space-time model, or outputs normalized step by step)")
    }
    return rolling
  }
}
