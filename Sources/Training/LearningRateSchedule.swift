import Foundation

/// A learning rate as a function of the epoch (or step) count, set on the optimizer before
/// each epoch.
public protocol LearningRateSchedule: Sendable {
  /// The learning rate for `epoch` (0-based).
  func learningRate(epoch: Int) -> Float
}

/// `η₀ · γ^⌊epoch / stepSize⌋`: the FNO paper's schedule is `γ = ½` every `E/5` epochs.
public struct StepDecay: LearningRateSchedule {
  /// `η₀`.
  public var initial: Float
  /// Epochs between decays (≥ 1).
  public var stepSize: Int
  /// The factor `γ` applied at each decay.
  public var gamma: Float

  /// A step schedule.
  public init(initial: Float, stepSize: Int, gamma: Float = 0.5) {
    self.initial = initial
    self.stepSize = max(1, stepSize)
    self.gamma = gamma
  }

  public func learningRate(epoch: Int) -> Float { initial * pow(gamma, Float(epoch / stepSize)) }
}

/// `η₀` at every epoch.
public struct ConstantRate: LearningRateSchedule {
  /// `η₀`.
  public var rate: Float
  /// A constant schedule.
  public init(_ rate: Float) { self.rate = rate }
  public func learningRate(epoch: Int) -> Float { rate }
}

/// Cosine annealing from `η₀` to `η_min` over `total` epochs:
/// `η_min + (η₀ − η_min)(1 + cos(π·epoch/total))/2`, then `η_min`.
public struct CosineAnnealing: LearningRateSchedule {
  /// `η₀`.
  public var initial: Float
  /// Epochs of the decay.
  public var total: Int
  /// `η_min` (default 0).
  public var minimum: Float

  /// A cosine schedule.
  public init(initial: Float, total: Int, minimum: Float = 0) {
    self.initial = initial
    self.total = max(1, total)
    self.minimum = minimum
  }

  public func learningRate(epoch: Int) -> Float {
    let t = Float(min(epoch, total)) / Float(total)
    return minimum + (initial - minimum) * (1 + cos(.pi * t)) / 2
  }
}

/// A linear warm-up from `η/warmup` to the wrapped schedule's rate over `warmup` epochs, then
/// the wrapped schedule (shifted so it starts after the warm-up).
public struct LinearWarmup<Base: LearningRateSchedule>: LearningRateSchedule {
  /// The schedule after the warm-up.
  public var base: Base
  /// Warm-up length in epochs.
  public var warmup: Int

  /// Warm-up before `base`.
  public init(_ base: Base, warmup: Int) {
    self.base = base
    self.warmup = max(0, warmup)
  }

  public func learningRate(epoch: Int) -> Float {
    epoch < warmup ? base.learningRate(epoch: 0) * Float(epoch + 1) / Float(warmup) : base.learningRate(epoch: epoch - warmup)
  }
}
