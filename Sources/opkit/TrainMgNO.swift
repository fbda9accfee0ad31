import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train mgno`: the multigrid neural operator.
struct TrainMgNO: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mgno",
    abstract: "Train an MgNO: every linear map between neurons is a learned multigrid V-cycle (He, Liu, Xu, ICLR 2024).")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var dataset: DatasetArguments
  @OptionGroup var training: TrainingArguments

  @Option(help: "Channels (neurons) of the hidden layers.")
  var width: Int = 32

  @Option(help: "Number of nonlinear operator layers.")
  var layers: Int = 5

  @Option(help: "Multigrid levels of each V-cycle (the grid is halved levels-1 times).")
  var levels: Int = 4

  @Option(help: "Pre-smoothing steps on every level.")
  var preSmoothing: Int = 1

  @Option(help: "Post-smoothing steps on every level.")
  var postSmoothing: Int = 1

  @Option(help: "Boundary handling of the convolutions: zero (Dirichlet), reflect or replicate (Neumann), circular (periodic).")
  var padding: Tensor.PaddingMode = .zero

  func validate() throws {
    guard width >= 1, layers >= 1, levels >= 1 else { throw ValidationError("--width, --layers and --levels must be at least 1") }
    guard preSmoothing >= 0, postSmoothing >= 0, preSmoothing + postSmoothing >= 1 else {
      throw ValidationError("--pre-smoothing and --post-smoothing must be non-negative with at least one step in all")
    }
  }

  func run() throws {
    global.apply()
    let (train, test) = try dataset.datasets(seed: global.seed)
    let spatial = train.spatialShape
    guard (1...3).contains(spatial.count) else { throw CommandFailure("\(dataset.data): MgNO takes 1D to 3D fields, got \(spatial)") }
    let configuration = MgNOConfiguration(
      inputChannels: train.inputs.shape[1], outputChannels: train.outputs.shape[1], dimension: spatial.count, width: width,
      layers: layers, preSmoothing: Array(repeating: preSmoothing, count: levels),
      postSmoothing: Array(repeating: postSmoothing, count: levels), paddingMode: padding)
    do {
      try configuration.validate()
      try configuration.validate(grid: spatial)
    } catch { throw CommandFailure("\(dataset.data): \(error)") }
    var run = try training.start(configuration, as: MgNO.self, options: training.options(seed: global.seed), train: train)
    try training.run(&run, train: train, test: test, json: global.json)
  }
}
