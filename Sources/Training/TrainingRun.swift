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
      trainer.dataFingerprint = Training.dataFingerprint(train)
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
    if let recorded = trainer.dataFingerprint, recorded != Training.dataFingerprint(train) {
      throw TrainingRunError.dataDiffers(checkpoint)
    }
    trainer.communicator = communicator
    resumedAfter = trainer.history.count
  }

  /// Trains the remaining epochs (stopping early on `validation` when the options ask for it),
  /// checkpointing as it goes and once more at the end — the model the run ends with, which
  /// early stopping makes the best epoch's — and returns the final evaluation on `test`;
  /// `monitor` sees every batch and epoch (``Trainer/train(on:testingOn:validatingOn:monitor:afterEpoch:)``).
  public mutating func run<Data: SupervisedDataset>(
    on train: Data, testingOn test: Data, validatingOn validation: Data? = nil, monitor: (TrainingEvent) -> Void = { _ in }
  ) throws -> Evaluation {
    let (path, every, epochs) = (checkpoint, checkpointEvery, trainer.options.epochs)
    try trainer.train(on: train, testingOn: test, validatingOn: validation, monitor: monitor) { trainer in
      let epoch = trainer.history.count
      if trainer.communicator.isRoot && epoch % every == 0 && epoch != epochs { try trainer.writeCheckpoint(to: path) }
    }
    if trainer.communicator.isRoot { try trainer.writeCheckpoint(to: path) }
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
  /// The checkpoint was trained on another training set (its data fingerprint differs).
  case dataDiffers(String)

  public var description: String {
    switch self {
    case .checkpointExists(let path): "\(path) exists; resume that run or choose another checkpoint"
    case .nothingToResume(let path): "\(path): no checkpoint to resume"
    case .optionsDiffer(let path, let differences): "\(path) was trained with other options (\(differences))"
    case .configurationDiffers(let path, let differences): "\(path) holds a model of another configuration (\(differences))"
    case .dataDiffers(let path): "\(path) was trained on other data (the training set's fingerprint differs)"
    }
  }
}

/// A fingerprint of a training set: its shapes and every value of its inputs, outputs and query
/// points (64-bit FNV-1a over the bit patterns), as 16 hex digits. Equal data give equal
/// fingerprints; any changed sample changes it (up to hash collisions).
public func dataFingerprint(_ data: some SupervisedDataset) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  func mix(_ word: UInt64) {
    hash ^= word
    hash &*= 0x100_0000_01b3
  }
  for tensor in [data.inputs, data.outputs] + (data.queries.map { [$0] } ?? []) {
    mix(UInt64(tensor.shape.count))
    for extent in tensor.shape { mix(UInt64(extent)) }
    tensor.scalars.withUnsafeBufferPointer { values in
      for value in values { mix(UInt64(value.bitPattern)) }
    }
  }
  return String(hash, radix: 16).leftPadded(to: 16)
}

extension String {
  /// The string with zeros in front up to `width` characters.
  fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
