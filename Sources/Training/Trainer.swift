import Datasets
import Distributed
import Foundation
import Layers
import Parallelism
import Tensors

/// What one finished epoch measured.
public struct EpochSummary: Codable, Sendable, Equatable {
  /// The epoch, 1-based.
  public var epoch: Int
  /// The learning rate used.
  public var learningRate: Float
  /// Mean per-sample training loss over the epoch's batches, of the run's
  /// ``TrainingOptions/loss`` (relative L2 or MSE).
  public var trainLoss: Double
  /// Mean per-sample relative L2 error on the test set.
  public var testRelativeL2: Double
  /// Wall-clock seconds of the epoch (training and test evaluation).
  public var seconds: Double
  /// Mean per-sample loss on the validation set (the training loss's kind), when the run has one.
  public var validationLoss: Double?

  /// A summary.
  public init(epoch: Int, learningRate: Float, trainLoss: Double, testRelativeL2: Double, seconds: Double, validationLoss: Double? = nil) {
    self.epoch = epoch
    self.learningRate = learningRate
    self.trainLoss = trainLoss
    self.testRelativeL2 = testRelativeL2
    self.seconds = seconds
    self.validationLoss = validationLoss
  }

  enum CodingKeys: String, CodingKey {
    case epoch, seconds
    case learningRate = "learning_rate", trainLoss = "train_loss", testRelativeL2 = "test_relative_l2", validationLoss = "validation_loss"
    /// The key checkpoints written before the loss was named used.
    case legacyTrainLoss = "train_relative_l2"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      epoch: try c.decode(Int.self, forKey: .epoch), learningRate: try c.decode(Float.self, forKey: .learningRate),
      trainLoss: try c.decodeIfPresent(Double.self, forKey: .trainLoss) ?? c.decode(Double.self, forKey: .legacyTrainLoss),
      testRelativeL2: try c.decode(Double.self, forKey: .testRelativeL2), seconds: try c.decode(Double.self, forKey: .seconds),
      validationLoss: try c.decodeIfPresent(Double.self, forKey: .validationLoss))
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(epoch, forKey: .epoch)
    try c.encode(learningRate, forKey: .learningRate)
    try c.encode(trainLoss, forKey: .trainLoss)
    try c.encode(testRelativeL2, forKey: .testRelativeL2)
    try c.encode(seconds, forKey: .seconds)
    try c.encodeIfPresent(validationLoss, forKey: .validationLoss)
  }
}

/// Progress reported to a training monitor.
public enum TrainingEvent: Sendable {
  /// `done` of `total` batches of 1-based epoch `epoch` are finished.
  case batch(epoch: Int, done: Int, total: Int)
  /// An epoch finished.
  case epoch(EpochSummary)
}

/// The one trainer every model uses: normalized inputs and outputs (``DataNormalization``),
/// shuffled mini-batches, any ``Optimizer`` with a schedule, the loss summed over each batch
/// (the FNO paper's recipe by default), per-epoch metrics, and checkpoints that resume exactly.
///
/// The loss compares the decoded prediction with the raw target, so the reported errors are in
/// the data's units. Epoch `e` shuffles with `(seed, e)` only, and the optimizer state is saved
/// with the model, so a run resumed from a checkpoint takes the same steps as an uninterrupted
/// one (with the same thread count). `step` is the one place where a step's gradients are
/// complete, and where data-parallel training joins them: over a ``communicator`` of `K` ranks
/// each rank takes its block of every batch (the same shuffled batches on every rank), the
/// batch's gradients and loss are summed over the ranks in one fused all-reduce, and every
/// replica takes the same optimizer step — the run a single process with the same batches
/// takes.
///
/// References: Li et al. 2021, "Fourier Neural Operator for Parametric Partial Differential
/// Equations" (training recipe); Kingma & Ba 2015 (Adam).
public struct Trainer<Model: ConfiguredModel>: Sendable {
  /// The model being trained.
  public var model: Model
  /// The optimizer and its state (of ``TrainingOptions/optimizer``'s kind).
  public var optimizer: any Optimizer
  /// The run's hyperparameters.
  public let options: TrainingOptions
  /// Normalization of the inputs, fitted on the training set.
  public let inputNormalizer: GaussianNormalizer
  /// Normalization of the outputs, fitted on the training set.
  public let outputNormalizer: GaussianNormalizer
  /// The finished epochs.
  public internal(set) var history: [EpochSummary]
  /// What the model is trained on (``dataFingerprint(_:)`` of the training set), recorded in
  /// checkpoints so a resumed run can refuse other data; nil for checkpoints written before it was.
  public var dataFingerprint: String?
  /// The parameters of the epoch with the lowest validation loss so far, kept for early
  /// stopping (``TrainingOptions/patience``) and saved in checkpoints under `best.`.
  public internal(set) var bestParameters: [String: Tensor]?
  /// The ranks sharing each batch (data-parallel training); ``Communicator/single`` alone.
  /// Not part of a checkpoint: a run may resume on another number of ranks.
  public var communicator: Communicator = .single

  /// A trainer for `model` whose normalizers (``TrainingOptions/normalization``) are fitted to
  /// `train`; `options` must be valid (``TrainingOptions/validate()``).
  public init(model: Model, options: TrainingOptions, fittingNormalizersTo train: some SupervisedDataset) {
    let (inputs, outputs) = (train.inputs, train.outputs)
    let (input, output): (GaussianNormalizer, GaussianNormalizer) =
      switch options.normalization {
      case .gaussian: (GaussianNormalizer(fitting: inputs), GaussianNormalizer(fitting: outputs))
      case .scaledOutputs: (GaussianNormalizer(fitting: inputs), GaussianNormalizer(fitting: outputs, centered: false))
      case .none: (.identity(channels: inputs.shape[1]), .identity(channels: outputs.shape[1]))
      }
    self.init(
      model: model, options: options, inputNormalizer: input, outputNormalizer: output, history: [], optimizer: options.makeOptimizer())
  }

  init(
    model: Model, options: TrainingOptions, inputNormalizer: GaussianNormalizer, outputNormalizer: GaussianNormalizer,
    history: [EpochSummary], optimizer: any Optimizer
  ) {
    (self.model, self.options, self.optimizer, self.history) = (model, options, optimizer, history)
    (self.inputNormalizer, self.outputNormalizer) = (inputNormalizer, outputNormalizer)
  }

  /// Finished epochs since the one with the lowest validation loss (the first of equals); the
  /// finished epochs when none has a validation loss.
  public var epochsWithoutImprovement: Int {
    var best: (epoch: Int, loss: Double)?
    for (index, summary) in history.enumerated() {
      if let loss = summary.validationLoss, best == nil || loss < best!.loss { best = (index + 1, loss) }
    }
    return history.count - (best?.epoch ?? 0)
  }

  /// The model with its normalizers, for prediction and evaluation.
  public var trained: TrainedModel<Model> {
    TrainedModel(model: model, inputNormalizer: inputNormalizer, outputNormalizer: outputNormalizer)
  }

  /// The model's prediction in data units (``TrainedModel/predict(_:)``).
  public func predict(_ inputs: Tensor) throws -> Tensor { try trained.predict(inputs) }

  /// The prediction at per-sample query points, or on the grid when `queries` is nil.
  public func predict(_ inputs: Tensor, queries: Tensor?) throws -> Tensor { try trained.predict(inputs, queries: queries) }

  /// The model's errors on `data` (``TrainedModel/evaluate(_:batchSize:communicator:)``), the
  /// samples shared among the ranks of ``communicator``.
  public func evaluate<Data: SupervisedDataset>(_ data: Data, batchSize: Int = 50) throws -> Evaluation {
    try trained.evaluate(data, batchSize: batchSize, communicator: communicator)
  }

  /// One optimizer step on a batch; returns the batch's loss (``TrainingOptions/loss``) summed
  /// over its samples (over all ranks' parts).
  ///
  /// This rank's block of the batch (all of it on one rank) is split into one shard of
  /// consecutive samples per worker; the shards' forward and backward passes run concurrently
  /// and their gradients are summed, which is exact because the loss is a sum over samples.
  /// The ranks' sums are then added in one all-reduce. Here the step's gradients are complete.
  /// With `queries` (`[B, P, d]`, unaligned data) the model is applied at those points.
  public mutating func step(inputs: Tensor, targets: Tensor, queries: Tensor? = nil) throws -> Float {
    let (encoder, decoder, model, options) = (inputNormalizer, outputNormalizer, self.model, self.options)
    let block = communicator.block(of: inputs.shape[0])
    let batch = block.count
    let shards = max(1, min(Parallel.availableWorkers, batch))
    let parts: [(value: Float, gradients: [String: Tensor])] =
      batch == 0
      ? []
      : try Parallel.map(count: shards) { shard in
        let rows = Array((block.lowerBound + batch * shard / shards)..<(block.lowerBound + batch * (shard + 1) / shards))
        let (x, y, points) = (try encoder.encode(inputs.rows(rows)), targets.rows(rows), queries?.rows(rows))
        return try model.valueWithGradients { model in
          let prediction = try decoder.decode(points.map { try model(x, queries: $0) } ?? model(x))
          return try options.loss.summedOverBatch(prediction, y)
        }
      }
    var gradients = parts.first?.gradients.filter { options.trains($0.key) } ?? [:]
    for part in parts.dropFirst() {
      for (path, gradient) in part.gradients where options.trains(path) {
        gradients[path] = try gradients[path].map { try $0 + gradient } ?? gradient
      }
    }
    var loss = parts.map(\.value).reduce(0, +)
    if communicator.size > 1 { try sumOverRanks(&gradients, loss: &loss) }
    try optimizer.step(&self.model, gradients: gradients)
    return loss
  }

  /// Adds every rank's gradients and loss, in one all-reduce of a fused buffer (the trained
  /// parameters in path order, then the loss); a rank with no samples in the batch adds zeros.
  private func sumOverRanks(_ gradients: inout [String: Tensor], loss: inout Float) throws {
    let trained = model.parameters.filter { options.trains($0.key) }.sorted { $0.key < $1.key }
    var fused = [Float]()
    fused.reserveCapacity(trained.reduce(1) { $0 + $1.value.count })
    for (path, parameter) in trained {
      fused += gradients[path]?.scalars ?? [Float](repeating: 0, count: parameter.count)
    }
    fused.append(loss)
    communicator.allReduceSum(&fused)
    var offset = 0
    for (path, parameter) in trained {
      gradients[path] = try Tensor(shape: parameter.shape, scalars: Array(fused[offset..<(offset + parameter.count)]))
      offset += parameter.count
    }
    loss = fused[offset]
  }

  /// Trains from the first unfinished epoch to `options.epochs`, evaluating on `test` after
  /// each epoch — and on `validation`, when given, for early stopping: with
  /// ``TrainingOptions/patience`` `p > 0`, training ends once `p` epochs in a row have not
  /// lowered the validation loss, and the parameters of the epoch with the lowest one are
  /// restored when training ends (the protocol of the forecasting literature). `monitor` sees
  /// every batch and epoch; `afterEpoch` runs after each epoch (checkpointing goes there) and
  /// may throw to stop.
  /// - Throws: ``TrainingError/diverged(epoch:learningRate:)`` if the loss, or any value the
  ///   model computes, becomes NaN or infinite; errors of the model, the data shapes, or
  ///   `afterEpoch`.
  public mutating func train<Data: SupervisedDataset>(
    on train: Data, testingOn test: Data, validatingOn validation: Data? = nil, monitor: (TrainingEvent) -> Void = { _ in },
    afterEpoch: (Trainer) throws -> Void = { _ in }
  ) throws {
    let schedule = options.learningRateSchedule
    let stopsEarly = options.patience > 0 && validation != nil
    defer { if stopsEarly, let bestParameters { try? model.loadParameters(bestParameters) } }
    while history.count < options.epochs && !(stopsEarly && epochsWithoutImprovement >= options.patience) {
      let epoch = history.count
      let start = ContinuousClock.now
      optimizer.learningRate = schedule.learningRate(epoch: epoch)
      let batches = train.batchIndices(size: options.batchSize, epoch: epoch, seed: options.seed)
      var total = 0.0
      let diverged = TrainingError.diverged(epoch: epoch + 1, learningRate: optimizer.learningRate)
      for (done, indices) in batches.enumerated() {
        let batch = train.subset(indices)
        total += Double(
          try failingAsDivergence(diverged) { try step(inputs: batch.inputs, targets: batch.outputs, queries: batch.queries) })
        guard total.isFinite else { throw diverged }
        monitor(.batch(epoch: epoch + 1, done: done + 1, total: batches.count))
      }
      let testError = try failingAsDivergence(diverged) { try evaluate(test).relativeL2 }
      let validationLoss = try validation.map { data in
        let e = try failingAsDivergence(diverged) { try evaluate(data) }
        return options.loss == .mse ? e.mse : e.relativeL2
      }
      let elapsed = ContinuousClock.now - start
      let summary = EpochSummary(
        epoch: epoch + 1, learningRate: optimizer.learningRate, trainLoss: total / Double(train.count), testRelativeL2: testError,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, validationLoss: validationLoss)
      history.append(summary)
      if stopsEarly && epochsWithoutImprovement == 0 { bestParameters = model.parameters }
      monitor(.epoch(summary))
      try afterEpoch(self)
    }
  }
}

/// `body`'s result; a non-finite value inside it (weights blown up by the last steps) is
/// reported as `divergence`, which names the epoch and the learning rate, not the layer.
private func failingAsDivergence<T>(_ divergence: TrainingError, _ body: () throws -> T) throws -> T {
  do { return try body() } catch TensorError.nonFinite { throw divergence }
}

/// Why training stopped, or could not start.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  /// The loss or the model's values became NaN or infinite in this (1-based) epoch, trained at
  /// this learning rate.
  case diverged(epoch: Int, learningRate: Float)
  /// Options whose numbers make no run.
  case invalidOptions(String)
  public var description: String {
    switch self {
    case .diverged(let epoch, let rate):
      "training diverged in epoch \(epoch) at learning rate \(rate): the model's values are no longer finite (try a smaller learning rate)"
    case .invalidOptions(let message): "invalid training options: \(message)"
    }
  }
}
