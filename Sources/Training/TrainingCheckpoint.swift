import Foundation
import Layers
import Tensors

/// Checkpoints of a ``Trainer`` as one `.safetensors` file: the model's parameters under their
/// paths, the optimizer's moments under `optimizer.m.<path>` / `optimizer.v.<path>`, the
/// normalizers under `normalizer.{input,output}.{mean,std}`, and in the metadata the format
/// version, the model kind and configuration, the training options and the epoch history (all
/// JSON). Python's `safetensors` reads it; `load_file(...)["lifting.weight"]` is a parameter.
extension Trainer {
  /// The format tag written to and required in `__metadata__["format"]`.
  public static var checkpointFormat: String { "operatorkit-trainer-1" }

  /// This trainer's complete state.
  public func checkpoint() throws -> SafetensorsFile {
    var tensors = model.parameters
    for (name, value) in optimizer.stateTensors { tensors["optimizer." + name] = value }
    for (role, normalizer) in [("input", inputNormalizer), ("output", outputNormalizer)] {
      tensors["normalizer.\(role).mean"] = Tensor(flat: normalizer.mean)
      tensors["normalizer.\(role).std"] = Tensor(flat: normalizer.standardDeviation)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
    return SafetensorsFile(
      tensors: tensors,
      metadata: [
        "format": Self.checkpointFormat, "model": Model.kind, "configuration": try json(model.configuration), "options": try json(options),
        "history": try json(history), "optimizer_steps": String(optimizer.stepCount),
      ])
  }

  /// Writes ``checkpoint()`` to `path` atomically (a previous checkpoint survives a crash).
  public func writeCheckpoint(to path: String) throws {
    try checkpoint().write(to: path)
  }

  /// A trainer restored from the checkpoint at `path`, ready to continue training.
  /// - Throws: ``CheckpointError`` naming the file when it is not a checkpoint of this model
  ///   kind or misses tensors; `SafetensorsError` when the file is truncated or corrupt.
  public init(checkpointAt path: String) throws {
    let file = try SafetensorsFile(contentsOf: path)
    let fail = { (message: String) in CheckpointError(file: path, message: message) }
    guard file.metadata["format"] == Self.checkpointFormat else {
      throw fail("not an OperatorKit training checkpoint (format \(file.metadata["format"] ?? "missing"))")
    }
    guard file.metadata["model"] == Model.kind else {
      throw fail("holds a '\(file.metadata["model"] ?? "?")' model, expected '\(Model.kind)'")
    }
    let decoder = JSONDecoder()
    func decoded<T: Decodable>(_ key: String, as type: T.Type) throws -> T {
      guard let text = file.metadata[key], let value = try? decoder.decode(T.self, from: Data(text.utf8)) else {
        throw fail("metadata '\(key)' is missing or malformed")
      }
      return value
    }
    var generator = SplitMix64(seed: 0)
    var model = Model(try decoded("configuration", as: Model.Configuration.self), using: &generator)
    do { try model.loadParameters(file.tensors) } catch { throw fail("\(error)") }
    let options = try decoded("options", as: TrainingOptions.self)
    var optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
    var state = [String: Tensor]()
    for (name, value) in file.tensors where name.hasPrefix("optimizer.") { state[String(name.dropFirst(10))] = value }
    do { try optimizer.restoreState(state, stepCount: Int(file.metadata["optimizer_steps"] ?? "0") ?? 0) } catch { throw fail("\(error)") }
    func normalizer(_ role: String) throws -> GaussianNormalizer {
      guard let mean = file.tensors["normalizer.\(role).mean"], let std = file.tensors["normalizer.\(role).std"], mean.count == std.count
      else { throw fail("the \(role) normalizer is missing") }
      return GaussianNormalizer(mean: mean.scalars, standardDeviation: std.scalars)
    }
    self.init(
      model: model, options: options, inputNormalizer: try normalizer("input"), outputNormalizer: try normalizer("output"),
      history: try decoded("history", as: [EpochSummary].self), optimizer: optimizer)
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
