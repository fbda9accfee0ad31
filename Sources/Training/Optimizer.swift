import Foundation
import Layers
import Parallelism
import Tensors

/// A per-parameter update rule with its own state, keyed by parameter path.
///
/// `step` applies one update to every parameter of `module` that has a gradient; parameters
/// are matched to gradients and to optimizer state by their path. The state is exposed as named
/// tensors so a checkpoint can store it and a resumed run continue exactly.
public protocol Optimizer: Sendable {
  /// The step size used by the next ``step(_:gradients:)``; schedules set it between steps.
  var learningRate: Float { get set }
  /// Steps taken.
  var stepCount: Int { get }
  /// Updates `module`'s parameters from `gradients` (by path).
  /// - Throws: `TensorError` if a gradient's shape differs from its parameter's.
  mutating func step<M: Module>(_ module: inout M, gradients: [String: Tensor]) throws
  /// The state by name (`<slot>.<parameter path>`), for checkpoints.
  var stateTensors: [String: Tensor] { get }
  /// Restores the state saved from ``stateTensors`` and ``stepCount``.
  /// - Throws: `TensorError` when the tensors do not form this optimizer's state.
  mutating func restoreState(_ tensors: [String: Tensor], stepCount: Int) throws
}

/// Stochastic gradient descent with optional (heavy-ball) momentum and L2 weight decay:
/// `v ← μ v + (g + λ θ)`, `θ ← θ − η v`.
public struct SGD: Optimizer {
  public var learningRate: Float
  public private(set) var stepCount = 0
  /// Momentum `μ` (0: plain SGD).
  public var momentum: Float
  /// L2 penalty `λ` added to the gradient.
  public var weightDecay: Float
  private var velocity: [String: [Float]] = [:]

  /// SGD with the given hyperparameters.
  public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
  }

  public mutating func step<M: Module>(_ module: inout M, gradients: [String: Tensor]) throws {
    stepCount += 1
    let (eta, mu, lambda) = (learningRate, momentum, weightDecay)
    try module.updateParameters { path, parameter in
      guard let g = gradients[path] else { return }
      guard g.shape == parameter.shape else {
        throw TensorError.shapeMismatch(operation: "SGD \(path)", shapes: [parameter.shape, g.shape])
      }
      var v = velocity.removeValue(forKey: path) ?? Array(repeating: 0, count: parameter.count)
      g.scalars.withUnsafeBufferPointer { g in
        v.withUnsafeMutableBufferPointer { v in
          parameter.withUnsafeMutableScalars { theta in
            for k in 0..<theta.count {
              v[k] = mu * v[k] + g[k] + lambda * theta[k]  // v ← μ v + (g + λ θ)
              theta[k] -= eta * v[k]  // θ ← θ − η v
            }
          }
        }
      }
      velocity[path] = v
    }
  }

  /// The velocities by name, `velocity.<path>`.
  public var stateTensors: [String: Tensor] {
    Dictionary(uniqueKeysWithValues: velocity.map { ("velocity." + $0.key, Tensor(flat: $0.value)) })
  }

  /// Restores the velocities saved from ``stateTensors``.
  /// - Throws: `TensorError` for an entry that is not a velocity.
  public mutating func restoreState(_ tensors: [String: Tensor], stepCount: Int) throws {
    var restored = [String: [Float]]()
    for (name, v) in tensors {
      guard name.hasPrefix("velocity.") else {
        throw TensorError.invalidShape(operation: "SGD.restoreState", message: "'\(name)' is not SGD state")
      }
      restored[String(name.dropFirst(9))] = v.scalars
    }
    velocity = restored
    self.stepCount = stepCount
  }
}

/// Adam, with L2 weight decay added to the gradient (`decoupled: false`, PyTorch's `Adam`) or
/// decoupled from it (`decoupled: true`, AdamW):
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `θ ← θ − η m̂ / (√v̂ + ε)` with bias corrections
/// `m̂ = m / (1−β₁ᵗ)`, `v̂ = v / (1−β₂ᵗ)`.
///
/// References: Kingma & Ba 2015, "Adam: a method for stochastic optimization"; Loshchilov &
/// Hutter 2019, "Decoupled weight decay regularization" (AdamW).
public struct Adam: Optimizer, Sendable {
  public var learningRate: Float
  /// `β₁` (default 0.9).
  public var beta1: Float
  /// `β₂` (default 0.999).
  public var beta2: Float
  /// `ε` (default 1e-8).
  public var epsilon: Float
  /// Weight decay `λ`.
  public var weightDecay: Float
  /// AdamW's decoupled decay `θ ← θ − ηλθ` instead of adding `λθ` to the gradient.
  public var decoupled: Bool
  /// Steps taken.
  public private(set) var stepCount = 0
  private var moments: [String: (m: [Float], v: [Float])] = [:]

  /// Adam with PyTorch's defaults unless given.
  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
    decoupled: Bool = false
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupled = decoupled
  }

  /// AdamW: Adam with decoupled weight decay (default λ = 0.01, as PyTorch).
  public static func adamW(learningRate: Float = 1e-3, weightDecay: Float = 0.01) -> Adam {
    Adam(learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
  }

  public mutating func step<M: Module>(_ module: inout M, gradients: [String: Tensor]) throws {
    stepCount += 1
    let t = Float(stepCount)
    let (eta, b1, b2, eps, lambda, decoupled) = (learningRate, beta1, beta2, epsilon, weightDecay, self.decoupled)
    let correction1 = 1 - pow(b1, t), correction2 = 1 - pow(b2, t)
    try module.updateParameters { path, parameter in
      guard let grad = gradients[path] else { return }
      guard grad.shape == parameter.shape else {
        throw TensorError.shapeMismatch(operation: "Adam \(path)", shapes: [parameter.shape, grad.shape])
      }
      // Taking the moments out of the dictionary keeps them uniquely referenced: no copies.
      var (m, v) =
        moments.removeValue(forKey: path) ?? (Array(repeating: 0, count: parameter.count), Array(repeating: 0, count: parameter.count))
      grad.scalars.withUnsafeBufferPointer { gradient in
        m.withUnsafeMutableBufferPointer { m in
          v.withUnsafeMutableBufferPointer { v in
            parameter.withUnsafeMutableScalars { theta in
              let (theta, gradient, m, v) = (theta, gradient, m, v)
              let parts = Parallel.workers(forWork: theta.count, perWorker: 1 << 15)
              Parallel.forEachRange(count: theta.count, parts: parts) { _, range in
                for k in range {
                  var g = gradient[k]
                  if decoupled { theta[k] -= eta * lambda * theta[k] } else { g += lambda * theta[k] }
                  m[k] = b1 * m[k] + (1 - b1) * g  // m ← β₁m + (1−β₁)g
                  v[k] = b2 * v[k] + (1 - b2) * g * g  // v ← β₂v + (1−β₂)g²
                  theta[k] -= eta * (m[k] / correction1) / ((v[k] / correction2).squareRoot() + eps)  // θ ← θ − η m̂/(√v̂+ε)
                }
              }
            }
          }
        }
      }
      moments[path] = (m, v)
    }
  }

  /// The moment estimates by name, `m.<path>` and `v.<path>`, for checkpoints.
  public var stateTensors: [String: Tensor] {
    var result = [String: Tensor]()
    for (path, (m, v)) in moments {
      result["m." + path] = Tensor(flat: m)
      result["v." + path] = Tensor(flat: v)
    }
    return result
  }

  /// Restores the moments and step count saved from ``stateTensors`` and ``stepCount``.
  /// - Throws: ``TensorError`` if an `m.` entry has no matching `v.` entry of the same size.
  public mutating func restoreState(_ tensors: [String: Tensor], stepCount: Int) throws {
    var restored: [String: (m: [Float], v: [Float])] = [:]
    for (name, m) in tensors where name.hasPrefix("m.") {
      let path = String(name.dropFirst(2))
      guard let v = tensors["v." + path], v.count == m.count else {
        throw TensorError.invalidShape(operation: "Adam.restoreState", message: "optimizer state for '\(path)' is incomplete")
      }
      restored[path] = (m.scalars, v.scalars)
    }
    moments = restored
    self.stepCount = stepCount
  }
}
