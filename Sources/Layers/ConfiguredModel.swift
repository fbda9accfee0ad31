import Tensors

/// A model that is a `Codable` configuration plus the layer tree it builds: a checkpoint
/// stores both (the configuration as JSON under the model's `kind`), so loading needs no
/// extra arguments.
public protocol ConfiguredModel: Module, Sendable {
  /// The hyperparameters that determine the layer tree.
  associatedtype Configuration: Codable, Sendable, Equatable
  /// The name checkpoints record for this model family (`"fno"`, `"mgno"`, …).
  static var kind: String { get }
  /// The configuration that built the model.
  var configuration: Configuration { get }
  /// A model with freshly initialized parameters.
  init<G: RandomNumberGenerator>(_ configuration: Configuration, using generator: inout G)
  /// Applies the model to a batch `[batch, inputChannels, spatial…]`.
  func callAsFunction(_ x: Tensor) throws -> Tensor
  /// Applies the model at per-sample query points `[batch, P, d]` (unaligned data), giving
  /// `[batch, outputChannels, P]`. Models tied to a grid throw (the default).
  func callAsFunction(_ x: Tensor, queries: Tensor) throws -> Tensor
  /// Whether the model's zero outputs are constraints (a boundary condition built into the
  /// output) that output normalization must keep: the trainer then scales outputs per channel
  /// without shifting them. False by default.
  var keepsOutputZeros: Bool { get }
  /// Whether the trainer Gaussian-normalizes inputs and outputs (true by default); false: the
  /// model sees the data as it is.
  var normalizesData: Bool { get }
}

extension ConfiguredModel {
  public var keepsOutputZeros: Bool { false }
  public var normalizesData: Bool { true }

  public func callAsFunction(_ x: Tensor, queries: Tensor) throws -> Tensor {
    throw TensorError.invalidShape(
      operation: Self.kind, message: "this model maps grids to grids and takes no per-sample query points \(queries.shape)")
  }
}
