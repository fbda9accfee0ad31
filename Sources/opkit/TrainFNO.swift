import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train fno`: the Fourier Neural Operator.
struct TrainFNO: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fno",
    abstract: "Train a Fourier Neural Operator (defaults: the original paper's Darcy model and schedule).")

  @OptionGroup var common: OperatorTrainingArguments

  @Option(help: "Fourier modes kept per axis.") var modes: Int = 12
  @Option(help: "Channels inside the Fourier layers.") var width: Int = 32
  @Option(help: "Number of Fourier layers.") var layers: Int = 4
  @Option(help: "Hidden channels of the projection.") var projection: Int = 128

  func validate() throws {
    guard modes >= 1, width >= 1, layers >= 1, projection >= 1 else {
      throw ValidationError("--modes, --width, --layers and --projection must be at least 1")
    }
  }

  func run() throws {
    let (train, test) = try common.datasets()
    let spatial = train.spatialShape
    let configuration = FNOConfiguration(
      inputChannels: train.inputs.shape[1], outputChannels: train.outputs.shape[1], modes: Array(repeating: modes, count: spatial.count),
      width: width, layers: layers, projection: projection)
    try common.checked {
      try configuration.validate()
      try configuration.validate(grid: spatial)
    }
    try common.train(configuration, as: FNO.self, train: train, test: test)
  }
}
