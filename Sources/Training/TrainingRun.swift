import Datasets
import Distributed
import Foundation
import Layers
import Tensors

/// A training run tied to its checkpoint file: started fresh (refusing to overwrite an existing
/// checkpoint) or resumed from it (refusing changed options or configuration, naming the fields
/// that differ), trained to the end with a checkpoint every `checkpointEvery` epochs and after
/// the last, and evaluated — what `opkit train` and `opkit forecast` do, in one place.
public struct TrainingRun<Model: ConfiguredModel> {
  /// The trainer (restored from the checkpoint when resuming).
  public private(set) var trainer: Trainer<Model>
  /// The checkpoint file.
  public let checkpoint: String
  /// Epochs between checkpoints (the last epoch is always saved).
  public let checkpointEvery: Int
  /// The epochs the checkpoint had finished when the run was resumed (0 for a new run).
  public let resumedAfter: Int

  /// A new run of a freshly initialized model (seeded by the options' seed) — or of `model`,
  /// a model to continue training (fine-tuning) — or with `resume` the run saved in
  /// `checkpoint`. Over a `communicator` of several ranks every rank builds the same run (the
  /// normalizers fitted on the whole training set), each takes its part of every batch, and
  /// rank 0 alone writes checkpoints.
  /// - Throws: ``TrainingRunError`` when a new run would overwrite a checkpoint, a resumed one
  ///   has none, or its options or configuration differ from these; ``CheckpointError`` for an
  ///   unreadable checkpoint; validation errors of the options and configuration.
  public init(
    _ configuration: Model.Configuration, options: TrainingOptions, fittingNormalizersTo train: some SupervisedDataset,
    checkpoint: String, resume: Bool, checkpointEvery: Int = 1, startingFrom model: Model? = nil, communicator: Communicator = .single
  ) throws {
    try options.validate()
    try configuration.validate()
    self.checkpoint = checkpoint
    self.checkpointEvery = max(1, checkpointEvery)
    let exists = FileManager.default.fileExists(atPath: checkpoint)
    guard resume else {
      if exists { throw TrainingRunError.checkpointExists(checkpoint) }
      var generator = SplitMix64(seed: options.seed)
      trainer = Trainer(model: model ?? Model(configuration, using: &generator), options: options, fittingNormalizersTo: train)
      trainer.communicator = communicator
      resumedAfter = 0
      return
    }
    guard exists else { throw TrainingRunError.nothingToResume(checkpoint) }
    trainer = try Trainer<Model>(checkpointAt: checkpoint)
    guard trainer.options == options else {
      throw TrainingRunError.optionsDiffer(checkpoint, differences: fieldDifferences(trainer.options, options))
    }
    guard trainer.model.configuration == configuration else {
      throw TrainingRunError.configurationDiffers(checkpoint, differences: fieldDifferences(trainer.model.configuration, configuration))
    }
    trainer.communicator = communicator
    resumedAfter = trainer.history.count
  }

  /// Trains the remaining epochs, checkpointing as it goes, and returns the final evaluation
  /// on `test`; `monitor` sees every batch and epoch (``Trainer/train(on:testingOn:monitor:afterEpoch:)``).
  public mutating func run<Data: SupervisedDataset>(on train: Data, testingOn test: Data, monitor: (TrainingEvent) -> Void = { _ in })
    throws -> Evaluation
  {
    let (path, every, epochs) = (checkpoint, checkpointEvery, trainer.options.epochs)
    try trainer.train(on: train, testingOn: test, monitor: monitor) { trainer in
      let epoch = trainer.history.count
      if trainer.communicator.isRoot && (epoch % every == 0 || epoch == epochs) { try trainer.writeCheckpoint(to: path) }
    }
    return try trainer.evaluate(test)
  }
}

/// Why a training run cannot start.
public enum TrainingRunError: Error, Equatable, CustomStringConvertible {
  /// A new run would overwrite this checkpoint.
  case checkpointExists(String)
  /// Resuming needs a checkpoint here.
  case nothingToResume(String)
  /// The checkpoint was trained with other options (`name: recorded → requested`, …).
  case optionsDiffer(String, differences: String)
  /// The checkpoint holds a model of another configuration.
  case configurationDiffers(String, differences: String)

  public var description: String {
    switch self {
    case .checkpointExists(let path): "\(path) exists; resume that run or choose another checkpoint"
    case .nothingToResume(let path): "\(path): no checkpoint to resume"
    case .optionsDiffer(let path, let differences): "\(path) was trained with other options (\(differences))"
    case .configurationDiffers(let path, let differences): "\(path) holds a model of another configuration (\(differences))"
    }
  }
}

/// The top-level fields in which `recorded` and `requested` differ, as
/// `name: recorded → requested` (their JSON encodings compared).
func fieldDifferences<T: Encodable>(_ recorded: T, _ requested: T) -> String {
  func fields(_ value: T) -> [String: String] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      return [:]
    }
    return object.mapValues { field in
      (try? JSONSerialization.data(withJSONObject: field, options: [.sortedKeys, .fragmentsAllowed]))
        .map { String(decoding: $0, as: UTF8.self) } ?? "\(field)"
    }
  }
  let (old, new) = (fields(recorded), fields(requested))
  let names = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
  return names.map { "\($0): \(old[$0] ?? "absent") → \(new[$0] ?? "absent")" }.joined(separator: ", ")
}
