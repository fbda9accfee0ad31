import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train mgno`: the multigrid neural operator.
struct TrainMgNO: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mgno",
    abstract: "Train an MgNO: every linear map between neurons is a learned multigrid V-cycle (He, Liu, Xu, ICLR 2024).")

  @OptionGroup var common: OperatorTrainingArguments

  @Option(help: "Channels (neurons) of the hidden layers.") var width: Int = 32
  @Option(help: "Number of nonlinear operator layers.") var layers: Int = 5
  @Option(help: "Multigrid levels of each V-cycle (the grid is halved levels-1 times).") var levels: Int = 4
  @Option(help: "Pre-smoothing steps on every level.") var preSmoothing: Int = 1
  @Option(help: "Post-smoothing steps on every level.") var postSmoothing: Int = 1

  @Option(help: "Boundary handling of the convolutions: zero (Dirichlet), reflect or replicate (Neumann), circular (periodic).")
  var padding: Tensor.PaddingMode = .zero

  func validate() throws {
    guard width >= 1, layers >= 1, levels >= 1 else { throw ValidationError("--width, --layers and --levels must be at least 1") }
    try OptionLimits.require(
      ["--width": width, "--layers": layers, "--levels": levels, "--pre-smoothing": preSmoothing, "--post-smoothing": postSmoothing],
      atMost: OptionLimits.largestSize)
    guard preSmoothing >= 0, postSmoothing >= 0, preSmoothing + postSmoothing >= 1 else {
      throw ValidationError("--pre-smoothing and --post-smoothing must be non-negative with at least one step in all")
    }
  }

  func run() throws {
    let (train, test) = try common.datasets()
    let spatial = train.spatialShape
    let configuration = MgNOConfiguration(
      inputChannels: train.inputs.shape[1], outputChannels: train.outputs.shape[1], dimension: spatial.count, width: width,
      layers: layers, preSmoothing: Array(repeating: preSmoothing, count: levels),
      postSmoothing: Array(repeating: postSmoothing, count: levels), paddingMode: padding)
    try common.checked {
      try configuration.validate()
      try configuration.validate(grid: spatial)
    }
    try common.train(configuration, as: MgNO.self, train: train, test: test)
  }
}
