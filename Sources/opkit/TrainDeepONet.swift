import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train deeponet`: the deep operator network.
struct TrainDeepONet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deeponet",
    abstract: "Train a DeepONet: branch network on the input's sensors times trunk network on the query point (Lu et al. 2021).",
    discussion: """
      The input grid's values are the branch input (the sensors); the output grid's points, \
      linspace(0, 1, n) per axis, are the trunk's queries (Cartesian-product layout, one batched \
      matrix product); sol.npy may use another grid than coeff.npy (e.g. fewer query points). \
      The defaults are the DeepONet paper's antiderivative network.
      """)

  @OptionGroup var common: OperatorTrainingArguments

  @Option(help: "Hidden width of the branch and trunk networks.") var width: Int = 40
  @Option(help: "Linear layers of each network (depth 2 = one hidden layer, then the basis layer).") var depth: Int = 2
  @Option(help: "Basis functions per output component (p).") var basis: Int = 40
  @Option(help: "Activation: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).") var activation: Activation = .relu

  @Option(
    help: """
      Initialization of the branch and trunk layers: glorot-normal (the paper's and DeepXDE's; the \
      default) or uniform (PyTorch's default; the default with --complex).
      """)
  var initialization: WeightInitialization?

  @Flag(
    help: """
      Complex-valued DeepONet: complex weights, split activation, complex inner product; output \
      channels are read as (real, imaginary) pairs (a complex64 sol.npy).
      """)
  var complex = false

  @Option(
    help: """
      Axes whose two walls are perfect conductors, comma-separated (x, y, z = array axes 0, 1, 2): \
      the output is a vector field whose tangential components vanish on those walls by \
      construction (e.g. y for `opkit generate helmholtz --geometry waveguide`).
      """)
  var conductingWalls: String?

  /// The axes of `--conducting-walls`, or nil.
  var conductingWallAxes: [Int]? {
    get throws {
      guard let conductingWalls else { return nil }
      return try conductingWalls.split(separator: ",").map { name in
        guard let axis = ["x", "y", "z"].firstIndex(of: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
          throw ValidationError("--conducting-walls takes axes x, y, z, got '\(name)'")
        }
        return axis
      }
    }
  }

  func validate() throws {
    guard width >= 1, depth >= 1, basis >= 1 else { throw ValidationError("--width, --depth and --basis must be at least 1") }
    try OptionLimits.require(["--width": width, "--depth": depth, "--basis": basis], atMost: OptionLimits.largestSize)
    _ = try conductingWallAxes
  }

  func run() throws {
    let (train, test) = try common.datasets(sameGrid: false)
    let dataset = common.dataset
    let spatial = train.spatialShape
    guard (1...3).contains(spatial.count) else { throw CommandFailure("\(dataset.data): DeepONet takes 1D to 3D fields, got \(spatial)") }
    guard test.spatialShape == spatial, test.queries != nil || train.queries != nil || test.outputSpatialShape == train.outputSpatialShape
    else {
      throw CommandFailure(
        "\(dataset.testData ?? dataset.data): test grids \(test.spatialShape) → \(test.outputSpatialShape) differ from the training "
          + "grids \(spatial) → \(train.outputSpatialShape)")
    }
    let hidden = Array(repeating: width, count: depth - 1)
    let channels = train.outputs.shape[1]
    if complex && channels % 2 != 0 {
      throw CommandFailure("\(dataset.data): --complex needs (real, imaginary) output channels, sol.npy has \(channels) channel")
    }
    let configuration = DeepONetConfiguration(
      sensors: train.inputs.shape.dropFirst().reduce(1, *), queryDimension: train.queries?.shape[2] ?? spatial.count,
      outputs: complex ? channels / 2 : channels, branchWidths: hidden, trunkWidths: hidden, basis: basis, activation: activation,
      queryShape: train.queries != nil || train.outputSpatialShape == spatial ? nil : train.outputSpatialShape,
      conductingWalls: try conductingWallAxes, initialization: initialization ?? (complex ? .uniform : .glorotNormal))
    // Outputs scaled, not shifted: a shift fought the Glorot start on the antiderivative (the
    // README's comparison with DeepXDE) and would break the zeros conducting walls build into
    // the output. The complex network keeps the Gaussian normalization its Helmholtz figures
    // were measured with.
    let normalization: DataNormalization = complex && configuration.conductingWalls == nil ? .gaussian : .scaledOutputs
    if complex {
      try common.train(configuration, as: ComplexDeepONet.self, normalization: normalization, train: train, test: test)
    } else {
      try common.train(configuration, as: DeepONet.self, normalization: normalization, train: train, test: test)
    }
  }
}
