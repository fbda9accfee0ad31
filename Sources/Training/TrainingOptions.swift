import Foundation
import Layers
import Tensors

/// The hyperparameters of a training run (the reference FNO recipe by default).
public struct TrainingOptions: Codable, Sendable, Equatable {
  /// Passes over the training set.
  public var epochs: Int
  /// Samples per mini-batch.
  public var batchSize: Int
  /// The optimizer's initial learning rate.
  public var learningRate: Float
  /// L2 weight decay (added to the gradient for Adam and SGD, decoupled for AdamW).
  public var weightDecay: Float
  /// The learning-rate schedule.
  public var schedule: ScheduleKind
  /// Epochs of linear warm-up before the schedule starts (0: none).
  public var warmupEpochs: Int
  /// Seed of the per-epoch shuffles.
  public var seed: UInt64
  /// The training loss.
  public var loss: LossKind
  /// The optimizer.
  public var optimizer: OptimizerKind
  /// SGD's momentum `μ` (ignored by Adam and AdamW).
  public var momentum: Float
  /// How inputs and outputs are normalized before the model sees them.
  public var normalization: DataNormalization
  /// Prefixes of the parameter paths the optimizer updates (`network.spectral.3.`); the rest
  /// stay frozen. Nil: every parameter.
  public var trainablePrefixes: [String]?
  /// Early stopping: with a validation set, training stops once this many epochs in a row have
  /// not lowered the validation loss, and the model of the best epoch is restored. 0: off.
  public var patience: Int

  /// Options; the defaults are the original FNO paper's (batch 20, Adam 1e-3, weight decay
  /// 1e-4, learning rate halved every `epochs/5` epochs, Gaussian-normalized data, relative L2).
  public init(
    epochs: Int, batchSize: Int = 20, learningRate: Float = 1e-3, weightDecay: Float = 1e-4, schedule: ScheduleKind = .step,
    warmupEpochs: Int = 0, seed: UInt64 = 0, loss: LossKind = .relativeL2, optimizer: OptimizerKind = .adam, momentum: Float = 0.9,
    normalization: DataNormalization = .gaussian, trainablePrefixes: [String]? = nil, patience: Int = 0
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.schedule = schedule
    self.warmupEpochs = warmupEpochs
    self.seed = seed
    self.loss = loss
    self.optimizer = optimizer
    self.momentum = momentum
    self.normalization = normalization
    self.trainablePrefixes = trainablePrefixes
    self.patience = patience
  }

  /// Whether the optimizer updates the parameter at `path` (``trainablePrefixes``).
  public func trains(_ path: String) -> Bool { trainablePrefixes.map { $0.contains { path.hasPrefix($0) } } ?? true }

  enum CodingKeys: String, CodingKey {
    case epochs, batchSize, learningRate, weightDecay, schedule, warmupEpochs, seed, loss, optimizer, momentum, normalization
    case trainablePrefixes, patience
  }

  /// Decodes options; keys added after the first checkpoints take the values those runs used
  /// (relative L2, Adam, no warm-up, Gaussian normalization, no early stopping).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      epochs: try c.decode(Int.self, forKey: .epochs), batchSize: try c.decode(Int.self, forKey: .batchSize),
      learningRate: try c.decode(Float.self, forKey: .learningRate), weightDecay: try c.decode(Float.self, forKey: .weightDecay),
      schedule: try c.decode(ScheduleKind.self, forKey: .schedule),
      warmupEpochs: try c.decodeIfPresent(Int.self, forKey: .warmupEpochs) ?? 0, seed: try c.decode(UInt64.self, forKey: .seed),
      loss: try c.decodeIfPresent(LossKind.self, forKey: .loss) ?? .relativeL2,
      optimizer: try c.decodeIfPresent(OptimizerKind.self, forKey: .optimizer) ?? .adam,
      momentum: try c.decodeIfPresent(Float.self, forKey: .momentum) ?? 0.9,
      normalization: try c.decodeIfPresent(DataNormalization.self, forKey: .normalization) ?? .gaussian,
      trainablePrefixes: try c.decodeIfPresent([String].self, forKey: .trainablePrefixes),
      patience: try c.decodeIfPresent(Int.self, forKey: .patience) ?? 0)
  }

  /// Checks the numbers: at least one epoch and one sample per batch, a positive finite
  /// learning rate, non-negative weight decay, warm-up and patience, momentum in `[0, 1)`.
  /// - Throws: ``TrainingError/invalidOptions(_:)`` naming the first value that is not.
  public func validate() throws {
    func fail(_ message: String) -> TrainingError { .invalidOptions(message) }
    guard epochs >= 1 else { throw fail("epochs must be at least 1, got \(epochs)") }
    guard batchSize >= 1 else { throw fail("the batch size must be at least 1, got \(batchSize)") }
    guard learningRate > 0, learningRate.isFinite else { throw fail("the learning rate must be positive and finite, got \(learningRate)") }
    guard weightDecay >= 0, weightDecay.isFinite else { throw fail("weight decay must be non-negative, got \(weightDecay)") }
    guard warmupEpochs >= 0 else { throw fail("warm-up epochs must be non-negative, got \(warmupEpochs)") }
    guard patience >= 0 else { throw fail("the early-stopping patience must be non-negative, got \(patience)") }
    guard (0..<1).contains(momentum) else { throw fail("momentum must be in [0, 1), got \(momentum)") }
  }

  /// The learning-rate schedule: ``schedule`` after ``warmupEpochs`` epochs of linear warm-up.
  public var learningRateSchedule: any LearningRateSchedule {
    let base: any LearningRateSchedule =
      switch schedule {
      case .step: StepDecay(initial: learningRate, stepSize: max(1, epochs / 5), gamma: 0.5)
      case .cosine: CosineAnnealing(initial: learningRate, total: max(1, epochs - warmupEpochs))
      case .constant: ConstantRate(learningRate)
      case .halving: StepDecay(initial: learningRate, stepSize: 1, gamma: 0.5)
      }
    return warmupEpochs > 0 ? LinearWarmup(AnySchedule(base), warmup: warmupEpochs) : base
  }

  /// The learning rate of (0-based) epoch `epoch`.
  public func learningRate(epoch: Int) -> Float { learningRateSchedule.learningRate(epoch: epoch) }

  /// A fresh optimizer of the chosen kind with these hyperparameters.
  public func makeOptimizer() -> any Optimizer {
    switch optimizer {
    case .adam: Adam(learningRate: learningRate, weightDecay: weightDecay)
    case .adamW: Adam(learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
    case .sgd: SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
    }
  }
}

/// A type-erased schedule, so warm-up can wrap whichever schedule the options name.
struct AnySchedule: LearningRateSchedule {
  let base: any LearningRateSchedule
  init(_ base: any LearningRateSchedule) { self.base = base }
  func learningRate(epoch: Int) -> Float { base.learningRate(epoch: epoch) }
}

/// The loss a training run minimizes, summed over the samples of a batch.
public enum LossKind: String, Codable, Sendable, CaseIterable {
  /// Per-sample relative L2 error `‖û − u‖ / ‖u‖` (the FNO recipe).
  case relativeL2 = "relative-l2"
  /// Per-sample mean squared error in the data's units (the DeepONet papers'; needed when a
  /// sample holds a few scattered points, whose norm says little).
  case mse
  /// Per sample, the relative L2 error of every output channel — every step of a rolled-out
  /// trajectory — summed over the channels (the FNO paper's `fourier_2d_time` loss).
  case relativeL2PerStep = "relative-l2-per-step"
  /// Per sample, the relative error in the `H⁻¹` norm over the spatial axes (all axes after the
  /// channels), through Parseval (the Spectral-Refiner fine-tuning loss).
  case relativeNegativeSobolev = "relative-h-1"

  /// The name reports use for it (`relative_l2`, `mse`, `relative_l2_summed_over_steps`,
  /// `relative_h_minus_1`).
  public var reportName: String {
    switch self {
    case .relativeL2: "relative_l2"
    case .mse: "mse"
    case .relativeL2PerStep: "relative_l2_summed_over_steps"
    case .relativeNegativeSobolev: "relative_h_minus_1"
    }
  }

  /// The loss of a batch's `prediction` against `target`, summed over the samples.
  public func summedOverBatch(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    switch self {
    case .relativeL2: try Loss.relativeL2(prediction, target, reduction: .sum)
    case .mse: try Loss.meanSquaredError(prediction, target) * Float(prediction.shape[0])
    case .relativeL2PerStep: try Loss.relativeL2PerChannel(prediction, target, reduction: .sum)
    case .relativeNegativeSobolev: try Loss.relativeNegativeSobolev(prediction, target, dimension: prediction.rank - 2, reduction: .sum)
    }
  }
}

/// Learning-rate schedules a training run can use.
public enum ScheduleKind: String, Codable, Sendable, CaseIterable {
  /// Halve the rate every `epochs/5` epochs.
  case step
  /// Cosine annealing from the initial rate to 0 over the run.
  case cosine
  /// The initial rate throughout.
  case constant
  /// Halve the rate after every epoch (`η₀ · 2^-epoch`): the schedule of the long-horizon
  /// forecasting literature (Autoformer's and Koopa's `type1`).
  case halving
}

/// The optimizers a training run can use.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
  /// Adam with L2 weight decay added to the gradient (PyTorch's `Adam`).
  case adam
  /// Adam with decoupled weight decay (PyTorch's `AdamW`).
  case adamW = "adamw"
  /// Stochastic gradient descent with heavy-ball momentum.
  case sgd
}

/// How the trainer normalizes data before the model sees it (statistics fitted on the
/// training set, stored in the checkpoint).
public enum DataNormalization: String, Codable, Sendable, CaseIterable {
  /// Per-channel `(x − μ)/σ` of inputs and outputs (the FNO recipe).
  case gaussian
  /// Inputs as `gaussian`; outputs scaled per channel without shifting, so zeros the model
  /// builds into its output (a boundary condition) survive.
  case scaledOutputs = "scaled-outputs"
  /// None: the model sees the data as it is (models that normalize inside, like Koopa).
  case none
}
