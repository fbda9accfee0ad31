import ArgumentParser
import Foundation
import OperatorKit

/// What every `opkit train <operator>` command that learns from a dataset takes — the shared
/// options, the dataset and the training options — and the steps they share.
struct OperatorTrainingArguments: ParsableArguments {
  @OptionGroup var global: GlobalOptions
  @OptionGroup var dataset: DatasetArguments
  @OptionGroup var training: TrainingArguments

  /// Configures the process, then loads the training and test sets (`sameGrid: false` lets
  /// outputs sit on another grid than the inputs).
  func datasets(sameGrid: Bool = true) throws -> (train: OperatorDataset, test: OperatorDataset) {
    global.apply()
    return try dataset.datasets(seed: global.seed, sameGrid: sameGrid)
  }

  /// Runs `check` (configuration validation against the data, derived datasets), its errors naming `--data`.
  func checked<T>(_ check: () throws -> T) throws -> T {
    do { return try check() } catch let error as DatasetFileError {
      throw CommandFailure("\(dataset.data): \(error.message)")
    } catch { throw CommandFailure("\(dataset.data): \(error)") }
  }

  /// Validates `configuration`, then trains a model of it (new, or resumed from `--out`) with a
  /// progress bar and checkpoints, and prints the report.
  /// `normalization` and `loss` are the model's choice, which `--normalization` and `--loss`
  /// override; `perStep` reports the test error of every output channel (trajectory steps).
  func train<Model: ConfiguredModel>(
    _ configuration: Model.Configuration, as: Model.Type, normalization: DataNormalization = .gaussian, loss: LossKind = .relativeL2,
    perStep: Bool = false, train: OperatorDataset, test: OperatorDataset
  ) throws {
    try checked { try configuration.validate() }
    let options = training.options(seed: global.seed, normalization: normalization, loss: loss)
    var run = try training.start(configuration, as: Model.self, options: options, train: train)
    try training.run(&run, train: train, test: test, json: global.json, perStep: perStep)
  }
}
