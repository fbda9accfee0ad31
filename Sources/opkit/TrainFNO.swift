import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train fno`: the Fourier Neural Operator.
struct TrainFNO: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fno",
    abstract: "Train a Fourier Neural Operator (defaults: the original paper's Darcy model and schedule).")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var dataset: DatasetArguments
  @OptionGroup var training: TrainingArguments

  @Option(help: "Fourier modes kept per axis.")
  var modes: Int = 12

  @Option(help: "Channels inside the Fourier layers.")
  var width: Int = 32

  @Option(help: "Number of Fourier layers.")
  var layers: Int = 4

  @Option(help: "Hidden channels of the projection.")
  var projection: Int = 128

  func validate() throws {
    guard modes >= 1, width >= 1, layers >= 1, projection >= 1 else {
      throw ValidationError("--modes, --width, --layers and --projection must be at least 1")
    }
  }

  func run() throws {
    global.apply()
    let (train, test) = try dataset.datasets(seed: global.seed)
    let spatial = train.spatialShape
    guard (1...3).contains(spatial.count) else { throw CommandFailure("\(dataset.data): FNO takes 1D to 3D fields, got \(spatial)") }
    let configuration = FNOConfiguration(
      inputChannels: train.inputs.shape[1], outputChannels: train.outputs.shape[1], modes: Array(repeating: modes, count: spatial.count),
      width: width, layers: layers, projection: projection)
    do {
      try configuration.validate()
      try configuration.validate(grid: spatial)
    } catch { throw CommandFailure("\(dataset.data): \(error)") }
    var run = try training.start(configuration, as: FNO.self, options: training.options(seed: global.seed), train: train)
    try training.run(&run, train: train, test: test, json: global.json)
  }
}
