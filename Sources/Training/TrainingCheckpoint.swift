import Datasets
import Foundation
import Layers
import Parallelism
import Tensors

/// Training checkpoints as one `.safetensors` file: the model's parameters under their paths,
/// the optimizer's state under `optimizer.<slot>.<path>`, the best epoch's parameters of an
/// early-stopping run under `best.<path>`, the normalizers under
/// `normalizer.{input,output}.{mean,std}`, and in the metadata the format version, the model
/// kind and configuration, the training options and the epoch history (all JSON). Python's
/// `safetensors` reads it; `load_file(...)["lifting.weight"]` is a parameter.
public enum TrainingCheckpoint {
  /// The format tag written to and required in `__metadata__["format"]`.
  public static let format = "operatorkit-trainer-1"

  /// The model kind recorded in the checkpoint at `path`.
  /// - Throws: ``CheckpointError`` when the file is no OperatorKit checkpoint; `SafetensorsError`
  ///   when it is truncated or corrupt.
  public static func kind(ofCheckpointAt path: String) throws -> String {
    try Reader(path).kind
  }

  /// A checkpoint file opened for reading, its format checked.
  struct Reader {
    let path: String
    let file: SafetensorsFile

    init(_ path: String) throws {
      self.path = path
      file = try SafetensorsFile(contentsOf: path)
      guard file.metadata["format"] == TrainingCheckpoint.format else {
        throw fail("not an OperatorKit training checkpoint (format \(file.metadata["format"] ?? "missing"))")
      }
    }

    func fail(_ message: String) -> CheckpointError { CheckpointError(file: path, message: message) }

    var kind: String { file.metadata["model"] ?? "?" }

    /// The JSON metadata entry `key`, decoded.
    func decoded<T: Decodable>(_ key: String, as type: T.Type) throws -> T {
      guard let text = file.metadata[key] else { throw fail("metadata '\(key)' is missing") }
      do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
        throw fail("metadata '\(key)' is malformed (\(String(describing: error).prefix(120)))")
      }
    }

    /// The model of kind `Model`, its configuration validated before any layer is built.
    func model<Model: ConfiguredModel>(_ type: Model.Type) throws -> Model {
      guard kind == Model.kind else { throw fail("holds a \(inputExcerpt(kind)) model, expected '\(Model.kind)'") }
      let configuration = try decoded("configuration", as: Model.Configuration.self)
      do { try configuration.validate() } catch { throw fail("invalid configuration: \(error)") }
      var generator = SplitMix64(seed: 0)
      var model = Model(configuration, using: &generator)
      do { try model.loadParameters(file.tensors) } catch { throw fail("\(error)") }
      return model
    }

    /// The `role` (`input` or `output`) normalizer, its statistics finite and its size `channels`.
    func normalizer(_ role: String) throws -> GaussianNormalizer {
      guard let mean = file.tensors["normalizer.\(role).mean"], let std = file.tensors["normalizer.\(role).std"], mean.count == std.count
      else { throw fail("the \(role) normalizer is missing") }
      guard (mean.scalars + std.scalars).allSatisfy(\.isFinite) else { throw fail("the \(role) normalizer is not finite") }
      return GaussianNormalizer(mean: mean.scalars, standardDeviation: std.scalars)
    }
  }
}

extension TrainedModel {
  /// The model and normalizers of the checkpoint at `path`, ready to predict — no optimizer
  /// state, no training history.
  /// - Throws: ``CheckpointError`` naming the file when it is not a checkpoint of this model
  ///   kind, its configuration is invalid, or tensors are missing; `SafetensorsError` when it is
  ///   truncated or corrupt.
  public init(checkpointAt path: String) throws {
    let reader = try TrainingCheckpoint.Reader(path)
    self.init(
      model: try reader.model(Model.self), inputNormalizer: try reader.normalizer("input"),
      outputNormalizer: try reader.normalizer("output"))
  }
}

extension Trainer {
  /// This trainer's complete state.
  public func checkpoint() throws -> SafetensorsFile {
    var tensors = model.parameters
    for (name, value) in optimizer.stateTensors { tensors["optimizer." + name] = value }
    for (name, value) in bestParameters ?? [:] { tensors["best." + name] = value }
    for (role, normalizer) in [("input", inputNormalizer), ("output", outputNormalizer)] {
      tensors["normalizer.\(role).mean"] = Tensor(flat: normalizer.mean)
      tensors["normalizer.\(role).std"] = Tensor(flat: normalizer.standardDeviation)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
    var metadata = [
      "format": TrainingCheckpoint.format, "model": Model.kind, "configuration": try json(model.configuration),
      "options": try json(options), "history": try json(history), "optimizer_steps": String(optimizer.stepCount),
    ]
    metadata["data_fingerprint"] = dataFingerprint
    return SafetensorsFile(tensors: tensors, metadata: metadata)
  }

  /// Writes ``checkpoint()`` to `path` atomically (a previous checkpoint survives a crash).
  public func writeCheckpoint(to path: String) throws {
    try checkpoint().write(to: path)
  }

  /// A trainer restored from the checkpoint at `path`, ready to continue training.
  /// - Throws: ``CheckpointError`` naming the file when it is not a checkpoint of this model
  ///   kind, its configuration or options are invalid, or it misses tensors; `SafetensorsError`
  ///   when the file is truncated or corrupt.
  public init(checkpointAt path: String) throws {
    let reader = try TrainingCheckpoint.Reader(path)
    let model = try reader.model(Model.self)
    let options = try reader.decoded("options", as: TrainingOptions.self)
    do { try options.validate() } catch { throw reader.fail("invalid options: \(error)") }
    var optimizer = options.makeOptimizer()
    var state = [String: Tensor]()
    for (name, value) in reader.file.tensors where name.hasPrefix("optimizer.") { state[String(name.dropFirst(10))] = value }
    guard let steps = Int(reader.file.metadata["optimizer_steps"] ?? "0"), steps >= 0 else {
      throw reader.fail("metadata 'optimizer_steps' is not a step count")
    }
    do { try optimizer.restoreState(state, stepCount: steps) } catch { throw reader.fail("\(error)") }
    self.init(
      model: model, options: options, inputNormalizer: try reader.normalizer("input"), outputNormalizer: try reader.normalizer("output"),
      history: try reader.decoded("history", as: [EpochSummary].self), optimizer: optimizer)
    dataFingerprint = reader.file.metadata["data_fingerprint"]
    let best = reader.file.tensors.filter { $0.key.hasPrefix("best.") }
    if !best.isEmpty {
      let parameters = Dictionary(uniqueKeysWithValues: best.map { (String($0.key.dropFirst(5)), $0.value) })
      guard Set(parameters.keys) == Set(model.parameters.keys) else {
        throw reader.fail("the early-stopping parameters ('best.') are incomplete")
      }
      bestParameters = parameters
    }
  }
}

/// A checkpoint that cannot be used, naming the file.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
  /// The checkpoint file.
  public let file: String
  /// What is wrong with it.
  public let message: String
  public var description: String { "\(file): \(message)" }
}
