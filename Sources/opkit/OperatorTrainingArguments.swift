import ArgumentParser
import Foundation
import OperatorKit

/// What every `opkit train <operator>` command that learns from a dataset takes — the shared
/// options, the dataset and the training options — and the steps they share.
struct OperatorTrainingArguments: ParsableArguments {
  @OptionGroup var global: GlobalOptions
  @OptionGroup var dataset: DatasetArguments
  @OptionGroup var training: TrainingArguments

  func validate() throws {
    try checkOutputs(
      [OutputFile("--out", training.out, ["safetensors"]), OutputFile("--png", training.png, FigureFormat.extensions)],
      inputs: [dataset.data, dataset.testData])
  }

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

  /// Whether `--data` is a dataset directory whose `meta.json` records more than one snapshot
  /// time (a trajectory dataset).
  func recordsTrajectories() throws -> Bool {
    let data = dataset.data
    guard !ArrayFile.isArrayFile(data), let times = try DatasetDirectory(data).metadata()?.times else { return false }
    return times.count > 1
  }

  /// The training and test trajectories cut into `stepsIn` given and `stepsOut` predicted
  /// snapshots (default: the rest of each trajectory); errors name `--data`.
  func trajectoryWindows(_ train: OperatorDataset, _ test: OperatorDataset, stepsIn: Int, stepsOut: Int?) throws -> (
    OperatorDataset, OperatorDataset
  ) {
    let steps = stepsOut ?? train.outputs.shape[1] - stepsIn
    return try checked {
      (try train.trajectoryWindows(stepsIn: stepsIn, stepsOut: steps), try test.trajectoryWindows(stepsIn: stepsIn, stepsOut: steps))
    }
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
