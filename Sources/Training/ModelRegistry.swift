import Datasets
import Layers
import Parallelism
import Tensors

/// A trained model of any kind, loaded for inference: what `opkit evaluate` and `predict`
/// need without knowing the kind at compile time.
public protocol InferenceModel: Sendable {
  /// The model kind (`"fno"`, …).
  var kind: String { get }
  /// Total number of scalar parameters.
  var parameterCount: Int { get }
  /// Whether outputs may sit on another grid than the inputs (``ConfiguredModel/queriesAnyGrid``).
  var queriesAnyGrid: Bool { get }
  /// Whether output channels are (real, imaginary) pairs (``ConfiguredModel/outputsAreComplex``).
  var outputsAreComplex: Bool { get }
  /// Checks that inputs of `shape` (`[batch, channels, spatial…]`) fit the model
  /// (``ModelConfiguration/validate(input:)``).
  func validate(input shape: [Int]) throws
  /// The prediction in data units, at per-sample `queries` or on the grid.
  func predict(_ inputs: Tensor, queries: Tensor?) throws -> Tensor
  /// The model's errors on `data`, evaluated in batches of `batchSize`.
  func evaluation(of data: OperatorDataset, batchSize: Int) throws -> Evaluation
  /// The same model answering on the output grid `shape` (``ConfiguredModel/querying(outputGrid:)``).
  func querying(outputGrid shape: [Int]) -> any InferenceModel
  /// The snapshots an autoregressive model takes and predicts (``ConfiguredModel/rolloutSteps``),
  /// nil for others.
  var rolloutSteps: RolloutSteps? { get }
  /// The same autoregressive model rolling out `steps` snapshots, nil for other models
  /// (``ConfiguredModel/rollingOut(steps:)``) and for outputs normalized step by step.
  func rollingOut(steps: Int) -> (any InferenceModel)?
}

extension TrainedModel: InferenceModel {
  public var kind: String { Model.kind }
  public var parameterCount: Int { model.parameterCount }
  public var queriesAnyGrid: Bool { Model.queriesAnyGrid }
  public var outputsAreComplex: Bool { Model.outputsAreComplex }
  public func validate(input shape: [Int]) throws { try model.configuration.validate(input: shape) }
  public func evaluation(of data: OperatorDataset, batchSize: Int) throws -> Evaluation { try evaluate(data, batchSize: batchSize) }
  public func querying(outputGrid shape: [Int]) -> any InferenceModel {
    var copy = self
    copy.model = model.querying(outputGrid: shape)
    return copy
  }
  public var rolloutSteps: RolloutSteps? { model.rolloutSteps }
  public func rollingOut(steps: Int) -> (any InferenceModel)? {
    guard let rolling = model.rollingOut(steps: steps), let output = outputNormalizer.repeated(channels: steps) else { return nil }
    return TrainedModel(model: rolling, inputNormalizer: inputNormalizer, outputNormalizer: output)
  }
}

/// The model kinds a program can load from checkpoints, by the kind the checkpoint records: a
/// table the model modules are registered into (``register(_:)``), not a `switch`.
public struct ModelRegistry: Sendable {
  private var loaders: [String: @Sendable (String) throws -> any InferenceModel] = [:]

  /// An empty registry.
  public init() {}

  /// A registry of `kinds`.
  public init(_ kinds: [any ConfiguredModel.Type]) {
    for kind in kinds { register(kind) }
  }

  /// Adds `kind` (a later registration of the same kind name replaces the earlier).
  public mutating func register<Model: ConfiguredModel>(_ kind: Model.Type) {
    loaders[Model.kind] = { path in try TrainedModel<Model>(checkpointAt: path) }
  }

  /// The registered kind names, sorted.
  public var kinds: [String] { loaders.keys.sorted() }

  /// The model and normalizers of the checkpoint at `path`, of whichever registered kind it records.
  /// - Throws: ``CheckpointError`` naming the file for an unknown kind, an invalid configuration
  ///   or missing tensors; `SafetensorsError` for a truncated or corrupt file.
  public func load(checkpointAt path: String) throws -> any InferenceModel {
    let kind = try TrainingCheckpoint.kind(ofCheckpointAt: path)
    guard let load = loaders[kind] else {
      throw CheckpointError(file: path, message: "unknown model kind \(inputExcerpt(kind)) (known: \(kinds.joined(separator: ", ")))")
    }
    return try load(path)
  }
}
