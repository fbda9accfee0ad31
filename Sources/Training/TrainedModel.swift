import Datasets
import Distributed
import Foundation
import Layers
import Parallelism
import Tensors

/// A model with the normalizers it was trained with: all that prediction and evaluation need,
/// without an optimizer or training history. ``init(checkpointAt:)`` loads one from a training
/// checkpoint.
///
/// Shapes: inputs `[batch, inputChannels, spatial…]`; predictions in the data's units.
public struct TrainedModel<Model: ConfiguredModel>: Sendable {
  /// The model.
  public var model: Model
  /// Normalization of the inputs, fitted on the training set.
  public let inputNormalizer: GaussianNormalizer
  /// Normalization of the outputs, fitted on the training set.
  public let outputNormalizer: GaussianNormalizer

  /// A model with its normalizers.
  public init(model: Model, inputNormalizer: GaussianNormalizer, outputNormalizer: GaussianNormalizer) {
    (self.model, self.inputNormalizer, self.outputNormalizer) = (model, inputNormalizer, outputNormalizer)
  }

  /// The model's prediction in data units: `decode(model(encode(inputs)))`, the batch split
  /// into one shard of consecutive samples per worker (``shardedOverBatch(_:_:_:)``).
  public func predict(_ inputs: Tensor) throws -> Tensor {
    try shardedOverBatch(inputs, nil) { x, _ in try outputNormalizer.decode(model(inputNormalizer.encode(x))) }
  }

  /// The prediction at per-sample query points `[B, P, d]` (unaligned data, see
  /// ``OperatorDataset/queries``), or on the grid when `queries` is nil.
  public func predict(_ inputs: Tensor, queries: Tensor?) throws -> Tensor {
    guard let queries else { return try predict(inputs) }
    return try shardedOverBatch(inputs, queries) { x, q in
      try outputNormalizer.decode(model(inputNormalizer.encode(x), queries: q!))
    }
  }

  /// `body` on one shard of consecutive samples per worker, concurrently, the outputs joined
  /// in order — the trainer's data parallelism applied to inference: each shard runs its
  /// kernels serially, which on small grids beats splitting every kernel across the cores
  /// (Navier–Stokes rollouts at 32², batch 50: 1.9× faster per sample on 2 cores). Every model
  /// here treats the samples of a batch independently, so the result does not depend on the
  /// split beyond floating-point summation order.
  private func shardedOverBatch(_ inputs: Tensor, _ queries: Tensor?, _ body: (Tensor, Tensor?) throws -> Tensor) throws -> Tensor {
    let batch = inputs.rank > 0 ? inputs.shape[0] : 0
    let shards = min(Parallel.availableWorkers, batch)
    if shards <= 1 { return try body(inputs, queries) }
    let parts = try Parallel.map(count: shards) { shard in
      let rows = Array((batch * shard / shards)..<(batch * (shard + 1) / shards))
      return try body(inputs.rows(rows), queries?.rows(rows))
    }
    return try Tensor.concatenated(parts, alongAxis: 0)
  }

  /// Mean relative L2 and H1 errors and the mean squared error of the model on `data`,
  /// evaluated in batches of `batchSize`. The H1 error needs a grid (``SupervisedDataset/gridSpacing``):
  /// NaN without one. Over a `communicator` of several ranks each rank evaluates its block of
  /// the samples and the sums are added in one all-reduce (every rank gets the result).
  public func evaluate<Data: SupervisedDataset>(_ data: Data, batchSize: Int = 50, communicator: Communicator = .single) throws
    -> Evaluation
  {
    var (l2, h1, squares) = (0.0, 0.0, 0.0)
    let spacing = data.gridSpacing
    let channels = data.outputs.rank >= 2 ? data.outputs.shape[1] : 1
    var perChannel = [Double](repeating: 0, count: channels)
    let block = communicator.block(of: data.count)
    for start in stride(from: block.lowerBound, to: block.upperBound, by: batchSize) {
      let batch = data.subset(Array(start..<min(start + batchSize, block.upperBound)))
      let prediction = try predict(batch.inputs, queries: batch.queries)
      l2 += Double(try Loss.relativeL2(prediction, batch.outputs, reduction: .sum).scalar)
      h1 += try spacing.map { Double(try Loss.relativeH1(prediction, batch.outputs, spacing: $0, reduction: .sum).scalar) } ?? .nan
      squares += zip(prediction.scalars, batch.outputs.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
      for (c, error) in Self.relativeL2PerChannel(prediction, batch.outputs, channels: channels).enumerated() { perChannel[c] += error }
    }
    if communicator.size > 1 {
      var sums = [l2, h1, squares] + perChannel
      communicator.allReduceSum(&sums)
      (l2, h1, squares, perChannel) = (sums[0], sums[1], sums[2], Array(sums[3...]))
    }
    let samples = Double(max(data.count, 1))
    return Evaluation(
      relativeL2: l2 / samples, relativeH1: h1 / samples, mse: squares / Double(max(data.outputs.scalars.count, 1)),
      relativeL2PerChannel: perChannel.map { $0 / samples })
  }

  /// Per output channel, the sum over the batch of `‖p_c − t_c‖₂ / ‖t_c‖₂` (in `Double`).
  static func relativeL2PerChannel(_ prediction: Tensor, _ target: Tensor, channels: Int) -> [Double] {
    let block = target.count / max(target.shape[0] * channels, 1)
    var sums = [Double](repeating: 0, count: channels)
    prediction.scalars.withUnsafeBufferPointer { p in
      target.scalars.withUnsafeBufferPointer { t in
        for sample in 0..<target.shape[0] {
          for c in 0..<channels {
            var (error, norm) = (0.0, 0.0)
            for k in ((sample * channels + c) * block)..<((sample * channels + c + 1) * block) {
              let d = Double(p[k]) - Double(t[k])
              error += d * d
              norm += Double(t[k]) * Double(t[k])
            }
            sums[c] += (error / norm).squareRoot()
          }
        }
      }
    }
    return sums
  }
}

/// Test-set errors of a model, averaged over samples.
public struct Evaluation: Codable, Sendable, Equatable {
  /// Mean of `‖u − û‖₂ / ‖u‖₂` over samples.
  public var relativeL2: Double
  /// Mean of the relative error in the discrete H¹ norm (values and first differences); NaN
  /// for data without a grid.
  public var relativeH1: Double
  /// Mean squared error over samples, channels and grid points, in the data's units squared
  /// (the DeepONet papers' metric).
  public var mse: Double
  /// Per output channel — per step of a trajectory — the mean over samples of
  /// `‖u_c − û_c‖₂ / ‖u_c‖₂`: how the error grows over a rollout.
  public var relativeL2PerChannel: [Double]

  /// Errors averaged over samples.
  public init(relativeL2: Double, relativeH1: Double, mse: Double, relativeL2PerChannel: [Double] = []) {
    (self.relativeL2, self.relativeH1, self.mse, self.relativeL2PerChannel) = (relativeL2, relativeH1, mse, relativeL2PerChannel)
  }

  enum CodingKeys: String, CodingKey {
    case relativeL2 = "relative_l2", relativeH1 = "relative_h1", mse, relativeL2PerChannel = "relative_l2_per_channel"
  }
}
