import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train`: fit a neural operator to a dataset.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a neural operator on a dataset directory (coeff.npy, sol.npy).",
    subcommands: [TrainFNO.self, TrainMgNO.self, TrainDeepONet.self, TrainDCDM.self])
}

extension ScheduleKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}

/// The dataset options of the `opkit train <model>` commands that learn from files.
struct DatasetArguments: ParsableArguments {
  @Option(help: "Dataset directory with coeff.npy and sol.npy ((N, s, s) arrays).")
  var data: String

  @Option(help: "Separate test dataset directory (default: a seeded 20% of --data is held out).")
  var testData: String?

  /// The training and test sets; `sameGrid: false` lets outputs sit on another grid than the
  /// inputs (DeepONet).
  func datasets(seed: UInt64, sameGrid: Bool = true) throws -> (train: OperatorDataset, test: OperatorDataset) {
    let all = try OperatorDataset(directory: data, sameGrid: sameGrid)
    if let testData { return (all, try OperatorDataset(directory: testData, sameGrid: sameGrid)) }
    guard all.count >= 2 else { throw CommandFailure("\(data): needs at least 2 samples to hold out a test set") }
    return all.split(testFraction: 0.2, seed: seed)
  }
}

/// Options every `opkit train <model>` shares: schedule, loss, checkpointing.
struct TrainingArguments: ParsableArguments {
  @Option(help: "Training epochs.")
  var epochs: Int = 100

  @Option(help: "Samples per mini-batch.")
  var batch: Int = 20

  @Option(help: "Initial learning rate.")
  var lr: Float = 1e-3

  @Option(help: "Optimizer: adam (L2 decay added to the gradient), adamw (decoupled decay) or sgd (heavy-ball momentum).")
  var optimizer: OptimizerKind = .adam

  @Option(help: "SGD momentum.")
  var momentum: Float = 0.9

  @Option(help: "Epochs of linear learning-rate warm-up before the schedule.")
  var warmup: Int = 0

  @Option(help: "L2 weight decay.")
  var weightDecay: Float = 1e-4

  @Option(help: "Learning-rate schedule: step (halve every epochs/5), cosine or constant.")
  var schedule: ScheduleKind = .step

  @Option(help: "Training loss per sample: relative-l2 (FNO recipe) or mse (DeepONet; for scattered query points).")
  var loss: LossKind = .relativeL2

  @Option(help: "Write the checkpoint every N epochs (and after the last).")
  var checkpointEvery: Int = 1

  @Flag(help: "Continue the run saved in --out (same options) instead of starting anew.")
  var resume = false

  @Option(help: "Checkpoint file (.safetensors): model, optimizer state, normalizers, history.")
  var out: String

  @Option(help: "Write a PNG of the training (blue) and test (orange) relative L2 per epoch, log scale.")
  var png: String?

  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive, got \(lr)") }
    guard weightDecay >= 0 else { throw ValidationError("--weight-decay must be non-negative, got \(weightDecay)") }
    guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1") }
    guard (0..<1).contains(momentum) else { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") }
    guard warmup >= 0 else { throw ValidationError("--warmup must be non-negative, got \(warmup)") }
  }

  /// The run's options; `normalization` is the model's choice (Gaussian unless its outputs
  /// carry constraints or it normalizes inside).
  func options(seed: UInt64, normalization: DataNormalization = .gaussian) -> TrainingOptions {
    TrainingOptions(
      epochs: epochs, batchSize: batch, learningRate: lr, weightDecay: weightDecay, schedule: schedule, warmupEpochs: warmup, seed: seed,
      loss: loss, optimizer: optimizer, momentum: momentum, normalization: normalization)
  }

  /// A new trainer for `model`, or the one saved in `--out` when resuming (``startOrResume``).
  func trainer<Model: ConfiguredModel>(
    for configuration: Model.Configuration, as: Model.Type, options: TrainingOptions, train: some SupervisedDataset
  ) throws -> Trainer<Model> {
    try startOrResume(configuration, as: Model.self, options: options, train: train, checkpoint: out, resume: resume)
  }

  /// Trains with a progress bar, epoch lines (unless `json`), and checkpoints; prints the
  /// summary.
  func run<Model: ConfiguredModel, Samples: SupervisedDataset>(_ trainer: inout Trainer<Model>, train: Samples, test: Samples, json: Bool) throws {
    let bar = ProgressBar(label: Model.kind)
    let batches = (train.count + batch - 1) / batch
    let resumedFrom = trainer.history.count
    if resumedFrom > 0 && !json { print("resuming \(out) after epoch \(resumedFrom)") }
    try trainer.train(
      on: train, testingOn: test,
      monitor: { event in
        switch event {
        case .batch(let epoch, let done, _): bar.update((epoch - 1 - resumedFrom) * batches + done, (epochs - resumedFrom) * batches)
        case .epoch(let summary):
          if !json {
            FileHandle.standardError.write(
              Data(
                String(
                  format: "epoch %d/%d  train %@ %.4g  test rel. L2 %.4f  lr %.2e  %.2f s\n", summary.epoch, epochs,
                  loss == .mse ? "MSE" : "rel. L2",
                  summary.trainLoss, summary.testRelativeL2, summary.learningRate, summary.seconds
                ).utf8))
          }
        }
      },
      afterEpoch: { trainer in
        let epoch = trainer.history.count
        if epoch % checkpointEvery == 0 || epoch == epochs { try trainer.writeCheckpoint(to: out) }
      })
    let evaluation = try trainer.evaluate(test)
    let seconds = trainer.history.map(\.seconds)
    if let png {
      let curves = LinePlot.render([
        .init(values: trainer.history.map(\.trainLoss), colour: (31, 119, 180)),
        .init(values: trainer.history.map(\.testRelativeL2), colour: (255, 127, 14)),
      ])
      try curves.image.write(to: png)
      if !json {
        print(
          String(
            format: "wrote %@: train %@ (blue) and test relative L2 (orange), %.3g to %.3g, grey lines at powers of ten", png,
            loss == .mse ? "MSE" : "relative L2", curves.range.lowerBound, curves.range.upperBound))
      }
    }
    let report = TrainingReport(
      model: Model.kind, parameters: trainer.model.parameterCount, epochs: trainer.history.count, trainSamples: train.count,
      testSamples: test.count, secondsPerEpoch: median(seconds), trainSeconds: seconds.reduce(0, +), loss: loss,
      trainLoss: trainer.history.last?.trainLoss ?? .nan, testRelativeL2: evaluation.relativeL2,
      testRelativeH1: evaluation.relativeH1, testMSE: evaluation.mse, checkpoint: out)
    if json {
      print(try jsonLine(report))
    } else {
      print(
        String(
          format: "%@: %d parameters, %d epochs on %d samples, %.2f s/epoch (median); test relative L2 %.4f, H1 %.4f, MSE %.3g; wrote %@",
          Model.kind, report.parameters, report.epochs, report.trainSamples, report.secondsPerEpoch, report.testRelativeL2,
          report.testRelativeH1, report.testMSE, out))
    }
  }
}

/// The summary `opkit train … --json` prints; the last epoch's training loss under its own
/// name (`train_relative_l2` or `train_mse`).
struct TrainingReport: Encodable {
  let model: String
  let parameters: Int
  let epochs: Int
  let trainSamples: Int
  let testSamples: Int
  let secondsPerEpoch: Double
  let trainSeconds: Double
  let loss: LossKind
  let trainLoss: Double
  let testRelativeL2: Double
  let testRelativeH1: Double
  let testMSE: Double
  let checkpoint: String

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: JSONKey.self)
    try c.encode(model, forKey: "model")
    try c.encode(parameters, forKey: "parameters")
    try c.encode(epochs, forKey: "epochs")
    try c.encode(trainSamples, forKey: "train_samples")
    try c.encode(testSamples, forKey: "test_samples")
    try c.encode(secondsPerEpoch, forKey: "seconds_per_epoch")
    try c.encode(trainSeconds, forKey: "train_seconds")
    try c.encode(trainLoss, forKey: JSONKey("train_" + loss.reportName))
    try c.encode(testRelativeL2, forKey: "test_relative_l2")
    try c.encode(testRelativeH1, forKey: "test_relative_h1")
    try c.encode(testMSE, forKey: "test_mse")
    try c.encode(checkpoint, forKey: "checkpoint")
  }
}

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
    var trainer = try training.trainer(for: configuration, as: FNO.self, options: training.options(seed: global.seed), train: train)
    try training.run(&trainer, train: train, test: test, json: global.json)
  }
}

extension Tensor.PaddingMode: ExpressibleByArgument {}

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
    var trainer = try training.trainer(for: configuration, as: MgNO.self, options: training.options(seed: global.seed), train: train)
    try training.run(&trainer, train: train, test: test, json: global.json)
  }
}

extension Activation: ExpressibleByArgument {}

extension LossKind: ExpressibleByArgument {}

/// `opkit train deeponet`: the deep operator network.
struct TrainDeepONet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deeponet",
    abstract: "Train a DeepONet: branch network on the input's sensors times trunk network on the query point (Lu et al. 2021).",
    discussion: """
      The input grid's values are the branch input (the sensors); the output grid's points,
      linspace(0, 1, n) per axis, are the trunk's queries (Cartesian-product layout, one batched
      matrix product); sol.npy may use another grid than coeff.npy (e.g. fewer query points).
      The defaults are the DeepONet paper's antiderivative network.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var dataset: DatasetArguments
  @OptionGroup var training: TrainingArguments

  @Option(help: "Hidden width of the branch and trunk networks.")
  var width: Int = 40

  @Option(help: "Linear layers of each network (depth 2 = one hidden layer, then the basis layer).")
  var depth: Int = 2

  @Option(help: "Basis functions per output component (p).")
  var basis: Int = 40

  @Option(help: "Activation: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).")
  var activation: Activation = .relu

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
    _ = try conductingWallAxes
  }

  func run() throws {
    global.apply()
    let (train, test) = try dataset.datasets(seed: global.seed, sameGrid: false)
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
      conductingWalls: try conductingWallAxes)
    do { try configuration.validate() } catch { throw CommandFailure("\(dataset.data): \(error)") }
    // Conducting walls: the outputs' zeros are constraints, so outputs are scaled, not shifted.
    let options = training.options(seed: global.seed, normalization: configuration.conductingWalls == nil ? .gaussian : .scaledOutputs)
    if complex {
      var trainer = try training.trainer(for: configuration, as: ComplexDeepONet.self, options: options, train: train)
      try training.run(&trainer, train: train, test: test, json: global.json)
    } else {
      var trainer = try training.trainer(for: configuration, as: DeepONet.self, options: options, train: train)
      try training.run(&trainer, train: train, test: test, json: global.json)
    }
  }
}

/// A new trainer for a model of `configuration`, or with `resume` the one saved in `checkpoint`,
/// which must have been started with the same options and configuration (the error names the
/// fields that differ). Refuses to overwrite an existing checkpoint without `resume`.
func startOrResume<Model: ConfiguredModel>(
  _ configuration: Model.Configuration, as: Model.Type, options: TrainingOptions, train: some SupervisedDataset, checkpoint out: String,
  resume: Bool
) throws -> Trainer<Model> {
  let exists = FileManager.default.fileExists(atPath: out)
  guard resume else {
    if exists { throw CommandFailure("\(out) exists; pass --resume to continue that run, or choose another --out") }
    var generator = SplitMix64(seed: options.seed)
    return Trainer(model: Model(configuration, using: &generator), options: options, fittingNormalizersTo: train)
  }
  guard exists else { throw CommandFailure("\(out): no checkpoint to resume") }
  let trainer = try Trainer<Model>(checkpointAt: out)
  guard trainer.options == options else {
    throw CommandFailure("\(out) was trained with other options (\(try differences(trainer.options, options))); pass the same ones to --resume")
  }
  guard trainer.model.configuration == configuration else {
    throw CommandFailure("\(out) holds a model of another configuration (\(try differences(trainer.model.configuration, configuration)))")
  }
  return trainer
}
