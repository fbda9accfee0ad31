import Foundation
import Layers
import Tensors

/// The hyperparameters of a training run (the reference FNO schedule by default).
public struct TrainingOptions: Codable, Sendable, Equatable {
  /// Passes over the training set.
  public var epochs: Int
  /// Samples per mini-batch.
  public var batchSize: Int
  /// Adam's initial learning rate.
  public var learningRate: Float
  /// L2 weight decay added to the gradient (PyTorch `Adam(weight_decay:)`).
  public var weightDecay: Float
  /// The learning-rate schedule.
  public var schedule: ScheduleKind
  /// Seed of the per-epoch shuffles.
  public var seed: UInt64
  /// The training loss.
  public var loss: LossKind

  /// Options; the defaults are the original FNO paper's (batch 20, Adam 1e-3, weight decay
  /// 1e-4, learning rate halved every `epochs/5` epochs).
  public init(
    epochs: Int, batchSize: Int = 20, learningRate: Float = 1e-3, weightDecay: Float = 1e-4, schedule: ScheduleKind = .step,
    seed: UInt64 = 0, loss: LossKind = .relativeL2
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.schedule = schedule
    self.seed = seed
    self.loss = loss
  }

  enum CodingKeys: String, CodingKey { case epochs, batchSize, learningRate, weightDecay, schedule, seed, loss }

  /// Decodes options; checkpoints written before the loss was selectable trained on relative L2.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      epochs: try c.decode(Int.self, forKey: .epochs), batchSize: try c.decode(Int.self, forKey: .batchSize),
      learningRate: try c.decode(Float.self, forKey: .learningRate), weightDecay: try c.decode(Float.self, forKey: .weightDecay),
      schedule: try c.decode(ScheduleKind.self, forKey: .schedule), seed: try c.decode(UInt64.self, forKey: .seed),
      loss: try c.decodeIfPresent(LossKind.self, forKey: .loss) ?? .relativeL2)
  }

  /// The learning rate of (0-based) epoch `epoch`.
  public func learningRate(epoch: Int) -> Float {
    switch schedule {
    case .step: StepDecay(initial: learningRate, stepSize: max(1, epochs / 5), gamma: 0.5).learningRate(epoch: epoch)
    case .cosine: CosineAnnealing(initial: learningRate, total: epochs).learningRate(epoch: epoch)
    case .constant: learningRate
    }
  }
}

/// The loss a training run minimizes, summed over the samples of a batch.
public enum LossKind: String, Codable, Sendable, CaseIterable {
  /// Per-sample relative L2 error `‖û − u‖ / ‖u‖` (the FNO recipe).
  case relativeL2 = "relative-l2"
  /// Per-sample mean squared error in the data's units (the DeepONet papers'; needed when a
  /// sample holds a few scattered points, whose norm says little).
  case mse
}

/// Learning-rate schedules a training run can use.
public enum ScheduleKind: String, Codable, Sendable, CaseIterable {
  /// Halve the rate every `epochs/5` epochs.
  case step
  /// Cosine annealing from the initial rate to 0 over the run.
  case cosine
  /// The initial rate throughout.
  case constant
}

/// What one finished epoch measured.
public struct EpochSummary: Codable, Sendable, Equatable {
  /// The epoch, 1-based.
  public var epoch: Int
  /// The learning rate used.
  public var learningRate: Float
  /// Mean per-sample training loss over the epoch's batches (relative L2, or MSE with
  /// ``LossKind/mse``).
  public var trainRelativeL2: Double
  /// Mean per-sample relative L2 error on the test set.
  public var testRelativeL2: Double
  /// Wall-clock seconds of the epoch (training and test evaluation).
  public var seconds: Double

  enum CodingKeys: String, CodingKey {
    case epoch, seconds
    case learningRate = "learning_rate", trainRelativeL2 = "train_relative_l2", testRelativeL2 = "test_relative_l2"
  }
}

/// Test-set errors of a model, averaged over samples.
public struct Evaluation: Codable, Sendable, Equatable {
  /// Mean of `‖u − û‖₂ / ‖u‖₂` over samples.
  public var relativeL2: Double
  /// Mean of the relative error in the discrete H¹ norm (values and first differences).
  public var relativeH1: Double
  /// Mean squared error over samples, channels and grid points, in the data's units squared
  /// (the DeepONet papers' metric).
  public var mse: Double
  enum CodingKeys: String, CodingKey {
    case relativeL2 = "relative_l2", relativeH1 = "relative_h1", mse
  }
}

/// Progress reported to a training monitor.
public enum TrainingEvent: Sendable {
  /// `done` of `total` batches of 1-based epoch `epoch` are finished.
  case batch(epoch: Int, done: Int, total: Int)
  /// An epoch finished.
  case epoch(EpochSummary)
}

/// The one trainer every operator model uses: Gaussian-normalized inputs and outputs, shuffled
/// mini-batches, Adam with a schedule, the relative L2 loss summed over each batch (the FNO
/// paper's recipe), per-epoch metrics, and checkpoints that resume exactly.
///
/// The loss compares the decoded prediction with the raw target, so the reported errors are in
/// the data's units. Epoch `e` shuffles with `(seed, e)` only, and the optimizer state is saved
/// with the model, so a run resumed from a checkpoint takes the same steps as an uninterrupted
/// one (with the same thread count). `step` is the one place where a step's gradients are
/// complete — the seam for data-parallel training.
///
/// References: Li et al. 2021, "Fourier Neural Operator for Parametric Partial Differential
/// Equations" (training recipe); Kingma & Ba 2015 (Adam).
public struct Trainer<Model: ConfiguredModel>: Sendable {
  /// The model being trained.
  public var model: Model
  /// The optimizer and its state.
  public var optimizer: Adam
  /// The run's hyperparameters.
  public let options: TrainingOptions
  /// Normalization of the inputs, fitted on the training set.
  public let inputNormalizer: GaussianNormalizer
  /// Normalization of the outputs, fitted on the training set.
  public let outputNormalizer: GaussianNormalizer
  /// The finished epochs.
  public internal(set) var history: [EpochSummary]

  /// A trainer for `model` whose normalizers are fitted to `train`.
  public init(model: Model, options: TrainingOptions, fittingNormalizersTo train: OperatorDataset) {
    self.init(
      model: model, options: options,
      inputNormalizer: model.normalizesData ? GaussianNormalizer(fitting: train.inputs) : .identity(channels: train.inputs.shape[1]),
      outputNormalizer: model.normalizesData
        ? GaussianNormalizer(fitting: train.outputs, centered: !model.keepsOutputZeros) : .identity(channels: train.outputs.shape[1]),
      history: [],
      optimizer: Adam(learningRate: options.learningRate, weightDecay: options.weightDecay))
  }

  init(
    model: Model, options: TrainingOptions, inputNormalizer: GaussianNormalizer, outputNormalizer: GaussianNormalizer,
    history: [EpochSummary], optimizer: Adam
  ) {
    self.model = model
    self.options = options
    self.inputNormalizer = inputNormalizer
    self.outputNormalizer = outputNormalizer
    self.history = history
    self.optimizer = optimizer
  }

  /// The model's prediction in data units: `decode(model(encode(inputs)))`.
  public func predict(_ inputs: Tensor) throws -> Tensor {
    try outputNormalizer.decode(model(inputNormalizer.encode(inputs)))
  }

  /// The prediction at per-sample query points `[B, P, d]` (unaligned data, see
  /// ``OperatorDataset/queries``), or on the grid when `queries` is nil.
  public func predict(_ inputs: Tensor, queries: Tensor?) throws -> Tensor {
    guard let queries else { return try predict(inputs) }
    return try outputNormalizer.decode(model(inputNormalizer.encode(inputs), queries: queries))
  }

  /// One optimizer step on a batch; returns the batch's loss (``TrainingOptions/loss``) summed
  /// over its samples.
  ///
  /// The batch is split into one shard of consecutive samples per worker; the shards' forward
  /// and backward passes run concurrently and their gradients are summed, which is exact
  /// because the loss is a sum over samples. Here the step's gradients are complete.
  /// With `queries` (`[B, P, d]`, unaligned data) the model is applied at those points.
  public mutating func step(inputs: Tensor, targets: Tensor, queries: Tensor? = nil) throws -> Float {
    let (encoder, decoder, model, options) = (inputNormalizer, outputNormalizer, self.model, self.options)
    let batch = inputs.shape[0]
    let shards = max(1, min(TensorThreads.workerCount, batch))
    let parts = try TensorThreads.concurrentMap(count: shards) { shard in
      let rows = Array((batch * shard / shards)..<(batch * (shard + 1) / shards))
      let (x, y, points) = (try encoder.encode(inputs.rows(rows)), targets.rows(rows), queries?.rows(rows))
      return try model.valueWithGradients { model in
        let prediction = try decoder.decode(points.map { try model(x, queries: $0) } ?? model(x))
        switch options.loss {
        case .relativeL2: return try Loss.relativeL2(prediction, y, reduction: .sum)
        case .mse: return try Loss.meanSquaredError(prediction, y) * Float(rows.count)
        }
      }
    }
    var gradients = parts[0].gradients
    for part in parts.dropFirst() {
      for (path, gradient) in part.gradients { gradients[path] = try gradients[path].map { try $0 + gradient } ?? gradient }
    }
    try optimizer.step(&self.model, gradients: gradients)
    return parts.map(\.value).reduce(0, +)
  }

  /// Mean relative L2 and H1 errors and the mean squared error of the model on `data`,
  /// evaluated in batches. The H1 error needs a grid: NaN for unaligned data.
  public func evaluate(_ data: OperatorDataset, batchSize: Int = 50) throws -> Evaluation {
    var (l2, h1, squares) = (0.0, 0.0, 0.0)
    let spacing = data.outputSpatialShape.map { Float(1) / Float(max($0 - 1, 1)) }
    for start in stride(from: 0, to: data.count, by: batchSize) {
      let batch = data.subset(Array(start..<min(start + batchSize, data.count)))
      let prediction = try predict(batch.inputs, queries: batch.queries)
      l2 += Double(try Loss.relativeL2(prediction, batch.outputs, reduction: .sum).scalar)
      h1 += data.queries == nil ? Double(try Loss.relativeH1(prediction, batch.outputs, spacing: spacing, reduction: .sum).scalar) : .nan
      squares += zip(prediction.scalars, batch.outputs.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    }
    let samples = Double(max(data.count, 1))
    return Evaluation(
      relativeL2: l2 / samples, relativeH1: h1 / samples, mse: squares / Double(max(data.outputs.scalars.count, 1)))
  }

  /// Trains from the first unfinished epoch to `options.epochs`, evaluating on `test` after
  /// each epoch. `monitor` sees every batch and epoch; `afterEpoch` runs after each epoch
  /// (checkpointing goes there) and may throw to stop.
  /// - Throws: ``TrainingError/diverged(epoch:)`` if the loss becomes NaN or infinite; errors
  ///   of the model, the data shapes, or `afterEpoch`.
  public mutating func train(
    on train: OperatorDataset, testingOn test: OperatorDataset, monitor: (TrainingEvent) -> Void = { _ in },
    afterEpoch: (Trainer) throws -> Void = { _ in }
  ) throws {
    while history.count < options.epochs {
      let epoch = history.count
      let start = ContinuousClock.now
      optimizer.learningRate = options.learningRate(epoch: epoch)
      let batches = train.batchIndices(size: options.batchSize, epoch: epoch, seed: options.seed)
      var total = 0.0
      for (done, indices) in batches.enumerated() {
        let batch = train.subset(indices)
        total += Double(try step(inputs: batch.inputs, targets: batch.outputs, queries: batch.queries))
        guard total.isFinite else { throw TrainingError.diverged(epoch: epoch + 1) }
        monitor(.batch(epoch: epoch + 1, done: done + 1, total: batches.count))
      }
      let testError = try evaluate(test).relativeL2
      let elapsed = ContinuousClock.now - start
      let summary = EpochSummary(
        epoch: epoch + 1, learningRate: optimizer.learningRate, trainRelativeL2: total / Double(train.count), testRelativeL2: testError,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
      history.append(summary)
      monitor(.epoch(summary))
      try afterEpoch(self)
    }
  }
}

/// Why training stopped early.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  /// The loss became NaN or infinite in this (1-based) epoch.
  case diverged(epoch: Int)
  public var description: String {
    switch self {
    case .diverged(let epoch): "training diverged in epoch \(epoch): the loss is not finite (try a smaller --lr)"
    }
  }
}
