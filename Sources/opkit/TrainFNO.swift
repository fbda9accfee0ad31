import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train fno`: the Fourier Neural Operator, steady (input → output field) or
/// autoregressive over a trajectory.
struct TrainFNO: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fno",
    abstract: "Train a Fourier Neural Operator (defaults: the original paper's Darcy model and schedule).",
    discussion: """
      --mode steady learns coeff.npy → sol.npy. --mode rollout learns a trajectory dataset's time \
      stepping (the paper's fourier_2d_time recipe): the first --steps-in snapshots of sol.npy (N, T, \
      s, s) are the input, a one-step FNO predicts the next snapshot and is fed its own predictions \
      for --steps-out steps, the loss is the sum of every step's relative L2 error and the data are \
      not normalized. --mode space-time (the paper's fourier_3d recipe) repeats the first --steps-in \
      snapshots along a time axis of --steps-out points, appends (x, y, t) and predicts all steps \
      at once with a 3D FNO (time padded by --time-padding zeros), on Gaussian-normalized data. A \
      dataset whose meta.json records several snapshot times trains in rollout mode unless --mode \
      says otherwise.
      """)

  @OptionGroup var common: OperatorTrainingArguments

  @Option(
    help: """
      What to learn: steady (coeff.npy → sol.npy), rollout (a trajectory's next steps, one at a time; \
      default for trajectory datasets) or space-time (all next steps at once).
      """)
  var mode: FNOMode?
  @Option(help: "Rollout and space-time: snapshots given.") var stepsIn: Int = 10
  @Option(help: "Rollout and space-time: snapshots predicted (default: the rest of the trajectory).") var stepsOut: Int?
  @Option(help: "Space-time: zeros appended to the time axis inside the network.") var timePadding: Int = 6
  @Option(
    help: """
      Space-time: after --epochs, fine-tune the last Fourier layer for this many epochs without frequency \
      truncation on the relative H-1 error with SGD, the rest frozen (Spectral-Refiner; the first phase is \
      kept in <out>-base.safetensors).
      """)
  var refine: Int = 0
  @Option(help: "Space-time: the refining phase's constant learning rate (default: the first phase's last one).")
  var refineLr: Float?
  @Option(help: "Space-time: the refining phase's optimizer (default: sgd with --momentum; see the README on Adam).")
  var refineOptimizer: OptimizerKind?
  @Option(help: "Fourier modes kept per axis (default: 12; 8 space-time, as the paper's scripts).") var modes: Int?
  @Option(help: "Channels inside the Fourier layers (default: 32 steady, 20 rollout, as the paper's scripts).") var width: Int?
  @Option(help: "Number of Fourier layers.") var layers: Int = 4
  @Option(help: "Hidden channels of the projection.") var projection: Int = 128

  func validate() throws {
    guard modes ?? 1 >= 1, width ?? 1 >= 1, layers >= 1, projection >= 1 else {
      throw ValidationError("--modes, --width, --layers and --projection must be at least 1")
    }
    guard stepsIn >= 1, stepsOut ?? 1 >= 1 else { throw ValidationError("--steps-in and --steps-out must be at least 1") }
    guard timePadding >= 0 else { throw ValidationError("--time-padding must be non-negative, got \(timePadding)") }
    try OptionLimits.require(
      [
        "--modes": modes ?? 1, "--width": width ?? 1, "--layers": layers, "--projection": projection, "--steps-in": stepsIn,
        "--steps-out": stepsOut ?? 1, "--time-padding": timePadding, "--refine": refine,
      ], atMost: OptionLimits.largestSize)
    guard refine >= 0 else { throw ValidationError("--refine must be non-negative, got \(refine)") }
    guard refineLr.map({ $0 > 0 && $0.isFinite }) ?? true else {
      throw ValidationError("--refine-lr must be positive, got \(refineLr ?? 0)")
    }
    if refine > 0, mode != .spaceTime { throw ValidationError("--refine fine-tunes a space-time model: pass --mode space-time") }
    if refine == 0, refineLr != nil || refineOptimizer != nil {
      throw ValidationError("--refine-lr and --refine-optimizer apply to the refining phase: pass --refine EPOCHS")
    }
  }

  func run() throws {
    let (train, test) = try common.datasets()
    switch try mode ?? defaultMode() {
    case .steady:
      let spatial = train.spatialShape
      let configuration = FNOConfiguration(
        inputChannels: train.inputs.shape[1], outputChannels: train.outputs.shape[1],
        modes: Array(repeating: modes ?? 12, count: spatial.count),
        width: width ?? 32, layers: layers, projection: projection)
      try common.checked {
        try configuration.validate()
        try configuration.validate(grid: spatial)
      }
      try common.train(configuration, as: FNO.self, train: train, test: test)
    case .rollout:
      if let normalization = common.training.normalization, normalization != .none {
        throw CommandFailure(
          "--normalization \(normalization.rawValue): a rollout feeds its predictions back as inputs, so it trains on the data as they are (none)"
        )
      }
      let (windows, testWindows) = try windows(train, test)
      let configuration = FNORolloutConfiguration(
        stepsIn: stepsIn, stepsOut: windows.outputs.shape[1], modes: Array(repeating: modes ?? 12, count: train.outputSpatialShape.count),
        width: width ?? 20, layers: layers, projection: projection)
      try common.checked { try configuration.validate(input: [1] + windows.inputs.shape.dropFirst()) }
      try common.train(
        configuration, as: FNORollout.self, normalization: .none, loss: .relativeL2PerStep, perStep: true, train: windows, test: testWindows
      )
    case .spaceTime:
      let (windows, testWindows) = try windows(train, test)
      let configuration = FNOSpaceTimeConfiguration(
        stepsIn: stepsIn, stepsOut: windows.outputs.shape[1],
        modes: Array(repeating: modes ?? 8, count: train.outputSpatialShape.count + 1),
        width: width ?? 20, layers: layers, projection: projection, timePadding: timePadding)
      try common.checked {
        try configuration.validate()
        try configuration.validate(input: [1] + windows.inputs.shape.dropFirst())
      }
      guard refine > 0 else {
        try common.train(configuration, as: FNOSpaceTime.self, perStep: true, train: windows, test: testWindows)
        return
      }
      try trainAndRefine(configuration, train: windows, test: testWindows)
    }
  }

  /// The Spectral-Refiner schedule: `--epochs` of the space-time model (checkpoint
  /// `<out>-base.safetensors`), then `--refine` epochs of its last Fourier layer alone, every
  /// frequency kept, on the relative H⁻¹ loss with SGD (`--refine-optimizer`) at a constant
  /// learning rate (`--refine-lr`, by default where the first phase ended)
  /// (``TrainingOptions/spectralRefining(epochs:learningRate:optimizer:loss:trainable:)``);
  /// checkpoint `--out`; both phases resume.
  private func trainAndRefine(_ configuration: FNOSpaceTimeConfiguration, train: OperatorDataset, test: OperatorDataset) throws {
    let training = common.training
    let base = ((training.out as NSString).deletingPathExtension) + "-base.safetensors"
    let options = training.options(seed: common.global.seed)
    var first = try training.start(configuration, as: FNOSpaceTime.self, options: options, train: train, checkpoint: base)
    let before = try training.run(&first, train: train, test: test, json: common.global.json, report: false).relativeL2
    let refined = first.trainer.model.refined(grid: train.outputSpatialShape)
    let refining = options.spectralRefining(
      epochs: refine, learningRate: refineLr, optimizer: refineOptimizer ?? .sgd, loss: training.loss ?? .relativeNegativeSobolev,
      trainable: [refined.outputLayerPrefix])
    let resumes = training.resume && FileManager.default.fileExists(atPath: training.out)
    var second = try startRun(
      refined.configuration, as: FNOSpaceTime.self, options: refining, train: train, checkpoint: training.out, resume: resumes,
      every: training.checkpointEvery, startingFrom: refined)
    try training.run(&second, train: train, test: test, json: common.global.json, perStep: true, before: before, logRun: "refine")
  }

  /// The training and test trajectories cut into `--steps-in` given and `--steps-out` predicted
  /// snapshots.
  private func windows(_ train: OperatorDataset, _ test: OperatorDataset) throws -> (OperatorDataset, OperatorDataset) {
    try common.trajectoryWindows(train, test, stepsIn: stepsIn, stepsOut: stepsOut)
  }

  /// Rollout for a dataset directory whose `meta.json` records more than one snapshot time,
  /// steady otherwise.
  private func defaultMode() throws -> FNOMode { try common.recordsTrajectories() ? .rollout : .steady }
}

/// What `opkit train fno` learns.
enum FNOMode: String, ExpressibleByArgument, CaseIterable {
  /// Input field → output field (`coeff.npy` → `sol.npy`).
  case steady
  /// A trajectory's next steps from its last snapshots, rolled out autoregressively.
  case rollout
  /// A trajectory's next steps all at once, from a network over space and time.
  case spaceTime = "space-time"
}
