import Parallelism
import Tensors

/// The hyperparameters that determine a model's layer tree: `Codable` so a checkpoint stores
/// them, and checked before any layer is built.
public protocol ModelConfiguration: Codable, Sendable, Equatable {
  /// Checks that the numbers make a model (counts at least 1, dimensions in range, …).
  /// - Throws: an error naming the first value that does not.
  func validate() throws
  /// Checks that a batch of shape `[batch, channels, spatial…]` fits a model of this
  /// configuration (channel count, spatial dimension, a grid large enough), so inputs from
  /// outside fail with a message instead of deep inside a layer. Accepts every shape by default.
  /// - Throws: ``ModelConfigurationError`` naming what does not fit.
  func validate(input shape: [Int]) throws
}

extension ModelConfiguration {
  public func validate(input shape: [Int]) throws {}
}

extension ModelConfigurationError {
  /// Throws unless a `model` model whose parameter tensors have `shapes` fits in memory for
  /// training — parameters, gradients and two Adam moments, 16 bytes per parameter — before
  /// anything is allocated (sizes from the command line or a checkpoint's metadata).
  public static func requireMemory(forParameters shapes: [[Int]], model: String) throws {
    do {
      try MemoryBudget.require(shapes.map { $0 + [16] }, what: "this model (parameters, gradients and Adam moments)")
    } catch let error as MemoryBudgetError {
      throw ModelConfigurationError(model: model, message: error.description)
    }
  }

  /// An input of `shape` (`[batch, channels, spatial…]`) without the `channels` and `dimension`
  /// spatial axes a `model` model takes, or nil if it has them.
  public static func unlessInput(_ shape: [Int], model: String, channels: Int, dimension: Int) -> ModelConfigurationError? {
    guard shape.count != dimension + 2 || shape[1] != channels else { return nil }
    return ModelConfigurationError(
      model: model,
      message: "takes \(channels) input channel\(channels == 1 ? "" : "s") on a \(dimension)D grid, got an input of shape \(shape)")
  }
}

/// A model that is a `Codable` configuration plus the layer tree it builds: a checkpoint
/// stores both (the configuration as JSON under the model's `kind`), so loading needs no
/// extra arguments.
public protocol ConfiguredModel: Module, Sendable {
  /// The hyperparameters that determine the layer tree.
  associatedtype Configuration: ModelConfiguration
  /// The name checkpoints record for this model family (`"fno"`, `"mgno"`, …).
  static var kind: String { get }
  /// Whether the model can be asked for outputs on another grid than its inputs' (DeepONet's
  /// trunk takes any query points); false by default.
  static var queriesAnyGrid: Bool { get }
  /// Whether output channels are (real, imaginary) pairs of complex components; false by default.
  static var outputsAreComplex: Bool { get }
  /// The configuration that built the model.
  var configuration: Configuration { get }
  /// A model with freshly initialized parameters; `configuration` must be valid
  /// (``ModelConfiguration/validate()``).
  init<G: RandomNumberGenerator>(_ configuration: Configuration, using generator: inout G)
  /// Applies the model to a batch `[batch, inputChannels, spatial…]`.
  func callAsFunction(_ x: Tensor) throws -> Tensor
  /// Applies the model at per-sample query points `[batch, P, d]` (unaligned data), giving
  /// `[batch, outputChannels, P]`. Models tied to a grid throw (the default).
  func callAsFunction(_ x: Tensor, queries: Tensor) throws -> Tensor
  /// The same model answering on the output grid `shape` (models with
  /// ``queriesAnyGrid``); the model itself by default.
  func querying(outputGrid shape: [Int]) -> Self
  /// For a model of trajectories (autoregressive or space-time), the snapshots it takes as input
  /// (its input channels are the last `history` snapshots, time along the channel axis) and the
  /// snapshots a forward pass predicts; nil for other models (the default).
  var rolloutSteps: RolloutSteps? { get }
  /// The same autoregressive model predicting `steps` snapshots per forward pass; nil for
  /// models with a fixed output or `steps < 1` (the default: nil).
  func rollingOut(steps: Int) -> Self?
}

extension ConfiguredModel {
  public static var queriesAnyGrid: Bool { false }
  public static var outputsAreComplex: Bool { false }
  public func querying(outputGrid shape: [Int]) -> Self { self }
  public var rolloutSteps: RolloutSteps? { nil }
  public func rollingOut(steps: Int) -> Self? { nil }

  public func callAsFunction(_ x: Tensor, queries: Tensor) throws -> Tensor {
    throw TensorError.invalidShape(
      operation: Self.kind, message: "this model maps grids to grids and takes no per-sample query points \(queries.shape)")
  }
}

/// A configuration whose numbers do not make a model, naming the model kind and the value.
public struct ModelConfigurationError: Error, Equatable, CustomStringConvertible {
  /// The model kind (`"fno"`, …).
  public let model: String
  /// What is wrong.
  public let message: String
  /// An error about `model`'s configuration.
  public init(model: String, message: String) { (self.model, self.message) = (model, message) }
  public var description: String { "\(model) configuration: \(message)" }
}

/// What a model of trajectories takes and gives: the last `history` snapshots of a trajectory
/// as input channels, `predicted` snapshots out, fields of `dimension` spatial axes.
public struct RolloutSteps: Sendable, Equatable {
  /// Snapshots a forward pass takes.
  public var history: Int
  /// Snapshots a forward pass predicts.
  public var predicted: Int
  /// Spatial axes of each snapshot.
  public var dimension: Int
  /// A description of a rollout.
  public init(history: Int, predicted: Int, dimension: Int) { (self.history, self.predicted, self.dimension) = (history, predicted, dimension) }
}
