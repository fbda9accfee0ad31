import ArgumentParser
import Foundation
import OperatorKit

/// Options every `opkit train <model>` shares: schedule, loss, checkpointing.
struct TrainingArguments: ParsableArguments {
  @Option(help: "Training epochs.") var epochs: Int = 100
  @Option(help: "Samples per mini-batch.") var batch: Int = 20
  @Option(help: "Initial learning rate.") var lr: Float = 1e-3

  @Option(help: "Optimizer: adam (L2 decay added to the gradient), adamw (decoupled decay) or sgd (heavy-ball momentum).")
  var optimizer: OptimizerKind = .adam

  @Option(help: "SGD momentum.") var momentum: Float = 0.9
  @Option(help: "Epochs of linear learning-rate warm-up before the schedule.") var warmup: Int = 0
  @Option(help: "L2 weight decay.") var weightDecay: Float = 1e-4
  @Option(help: "Learning-rate schedule: step (halve every epochs/5), cosine, constant or halving (halve after every epoch).") var schedule:
    ScheduleKind = .step

  @Option(
    help: """
      Training loss per sample: relative-l2 (FNO recipe), mse (DeepONet; for scattered query points) or \
      relative-l2-per-step (every rolled-out step's relative L2, summed; default for rollouts).
      """)
  var loss: LossKind?

  @Option(
    help: """
      Normalization of inputs and outputs, fitted on the training set: gaussian (per-channel mean and \
      deviation), scaled-outputs (outputs scaled, not shifted) or none (default: the model's choice).
      """)
  var normalization: DataNormalization?

  @Option(help: "Write the checkpoint every N epochs (and after the last).") var checkpointEvery: Int = 1
  @Flag(help: "Continue the run saved in --out (same options) instead of starting anew.") var resume = false
  @Option(help: "Checkpoint file (.safetensors): model, optimizer state, normalizers, history.") var out: String
  @Option(help: "Write the loss curves here (.png, .svg or .pdf): training loss and test relative L2 per epoch, log scale.")
  var png: String?
  @Option(
    help: "Write TensorBoard event files here: losses, learning rate and seconds per epoch; the loss curves and test panels at the end.")
  var logdir: String?

  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive, got \(lr)") }
    guard weightDecay >= 0 else { throw ValidationError("--weight-decay must be non-negative, got \(weightDecay)") }
    guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1") }
    guard (0..<1).contains(momentum) else { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") }
    guard warmup >= 0 else { throw ValidationError("--warmup must be non-negative, got \(warmup)") }
    try OptionLimits.require(
      ["--epochs": epochs, "--batch": batch, "--warmup": warmup, "--checkpoint-every": checkpointEvery], atMost: OptionLimits.largestCount)
    try checkOutputs([OutputFile("--out", out, ["safetensors"]), OutputFile("--png", png, FigureFormat.extensions)], inputs: [])
    try checkLogDirectory(logdir)
  }

  /// The run's options; `normalization` and `loss` are the model's choice (Gaussian
  /// normalization unless its outputs carry constraints or it normalizes inside; relative L2),
  /// which `--normalization` and `--loss` override.
  func options(seed: UInt64, normalization modelChoice: DataNormalization = .gaussian, loss lossChoice: LossKind = .relativeL2)
    -> TrainingOptions
  {
    TrainingOptions(
      epochs: epochs, batchSize: batch, learningRate: lr, weightDecay: weightDecay, schedule: schedule, warmupEpochs: warmup, seed: seed,
      loss: loss ?? lossChoice, optimizer: optimizer, momentum: momentum, normalization: normalization ?? modelChoice)
  }

  /// The run of a model of `configuration` saved in `--out`: new, or with `--resume` the one
  /// there (which must have the same options and configuration).
  /// `checkpoint` replaces `--out` and `model` starts a new run from given weights (fine-tuning).
  func start<Model: ConfiguredModel>(
    _ configuration: Model.Configuration, as: Model.Type, options: TrainingOptions, train: some SupervisedDataset,
    checkpoint: String? = nil, startingFrom model: Model? = nil
  ) throws -> TrainingRun<Model> {
    try startRun(
      configuration, as: Model.self, options: options, train: train, checkpoint: checkpoint ?? out, resume: resume, every: checkpointEvery,
      startingFrom: model)
  }

  /// Trains with a progress bar, epoch lines (unless `json`), and checkpoints; prints the
  /// summary (with `perStep`, the test error of every output channel as the steps of a
  /// trajectory).
  ///
  /// With `report: false` (a first phase) it prints no summary and returns the test evaluation;
  /// `before` is the test relative L2 before a fine-tuning run, reported beside the final one;
  /// `logRun` names the subdirectory of `--logdir` a later phase logs into.
  @discardableResult
  func run<Model: ConfiguredModel, Samples: SupervisedDataset>(
    _ run: inout TrainingRun<Model>, train: Samples, test: Samples, json: Bool, perStep: Bool = false, report printsReport: Bool = true,
    before: Double? = nil, logRun: String? = nil
  ) throws -> Evaluation {
    let (loss, epochs) = (run.trainer.options.loss, run.trainer.options.epochs)
    let bar = ProgressBar(label: Model.kind)
    let batches = (train.count + batch - 1) / batch
    let resumedFrom = run.resumedAfter
    let root = Communicator.world.isRoot
    // A later phase (`logRun`) logs as a run of its own in a subdirectory, so its epochs, which
    // count from 1 again, do not overlay the first phase's in TensorBoard.
    let log = try RunLog(directory: root ? logdir.map { dir in logRun.map { (dir as NSString).appendingPathComponent($0) } ?? dir } : nil)
    if resumedFrom > 0 && !json { print("resuming \(run.checkpoint) after epoch \(resumedFrom)") }
    let evaluation = try namingLearningRateOption {
      try run.run(
        on: train, testingOn: test,
        monitor: { event in
          switch event {
          case .batch(let epoch, let done, _): bar.update((epoch - 1 - resumedFrom) * batches + done, (epochs - resumedFrom) * batches)
          case .epoch(let summary):
            log.record(summary, loss: loss)
            if !json && root {
              FileHandle.standardError.write(
                Data(
                  String(
                    format: "epoch %d/%d  train %@ %.4g  test rel. L2 %.4f  lr %.2e  %.2f s\n", summary.epoch, epochs,
                    loss.label,
                    summary.trainLoss, summary.testRelativeL2, summary.learningRate, summary.seconds
                  ).utf8))
            }
          }
        })
    }
    let trainer = run.trainer
    let seconds = trainer.history.map(\.seconds)
    let checkpoint = run.checkpoint
    let curves = LineChart(
      [
        .init(values: trainer.history.map(\.trainLoss), label: "train \(loss.label)", colour: .blue),
        .init(values: trainer.history.map(\.testRelativeL2), label: "test rel. L2", colour: .orange),
      ], title: "\(Model.kind) training on \(train.count) samples", xLabel: "epoch", yLabel: "error (log scale)",
      yScale: .logarithmic)
    log.image("curves/loss", curves, step: trainer.history.count)
    if log.isActive, let data = test as? OperatorDataset, data.queries == nil {
      let figures = try EvaluationFigures(of: trainer.trained, on: data, named: "the test set", evaluation: evaluation, pictures: 4)
      log.image("evaluation/samples", figures.samples, step: trainer.history.count)
      if let growth = figures.errorGrowth { log.image("evaluation/error_growth", growth, step: trainer.history.count) }
    }
    try log.finish()
    guard printsReport && root else { return evaluation }
    if let png {
      try curves.write(to: png)
      if !json { print("wrote \(png): train \(loss.label) and test relative L2 per epoch, log scale") }
    }
    let report = TrainingReport(
      model: Model.kind, parameters: trainer.model.parameterCount, epochs: trainer.history.count, trainSamples: train.count,
      testSamples: test.count, secondsPerEpoch: median(seconds), trainSeconds: seconds.reduce(0, +), loss: loss,
      trainLoss: trainer.history.last?.trainLoss ?? .nan, testRelativeL2: evaluation.relativeL2,
      testRelativeH1: evaluation.relativeH1, testMSE: evaluation.mse,
      testRelativeL2PerStep: perStep ? evaluation.relativeL2PerChannel : nil,
      testRelativeL2BeforeRefining: before, checkpoint: checkpoint, ranks: Communicator.world.size)
    if json {
      print(try jsonLine(report))
    } else {
      print(
        String(
          format: "%@: %d parameters, %d epochs on %d samples, %.2f s/epoch (median); test relative L2 %.4f, H1 %.4f, MSE %.3g; wrote %@",
          Model.kind, report.parameters, report.epochs, report.trainSamples, report.secondsPerEpoch, report.testRelativeL2,
          report.testRelativeH1, report.testMSE, checkpoint))
      if let before { print(String(format: "refining changed the test relative L2 from %.4f to %.4f", before, report.testRelativeL2)) }
      if let steps = report.testRelativeL2PerStep {
        print("test relative L2 per step: " + steps.map { String(format: "%.4f", $0) }.joined(separator: " "))
      }
    }
    return evaluation
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
  /// The test error of every rolled-out step (trajectory models), else nil (not printed).
  let testRelativeL2PerStep: [Double]?
  /// The test relative L2 before a fine-tuning phase (`--refine`), else nil (not printed).
  let testRelativeL2BeforeRefining: Double?
  let checkpoint: String
  /// The MPI ranks that shared every batch (1 without `mpirun`).
  let ranks: Int

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
    try c.encodeIfPresent(testRelativeL2PerStep, forKey: "test_relative_l2_per_step")
    try c.encodeIfPresent(testRelativeL2BeforeRefining, forKey: "test_relative_l2_before_refining")
    try c.encode(checkpoint, forKey: "checkpoint")
    try c.encode(ranks, forKey: "ranks")
  }
}

/// ``TrainingRun`` with its errors in the command line's words (the flags to change).
func startRun<Model: ConfiguredModel>(
  _ configuration: Model.Configuration, as: Model.Type, options: TrainingOptions, train: some SupervisedDataset, checkpoint out: String,
  resume: Bool, every: Int = 1, startingFrom model: Model? = nil
) throws -> TrainingRun<Model> {
  do {
    return try TrainingRun(
      configuration, options: options, fittingNormalizersTo: train, checkpoint: out, resume: resume, checkpointEvery: every,
      startingFrom: model, communicator: .world)
  } catch let error as TrainingRunError {
    switch error {
    case .checkpointExists: throw CommandFailure("\(out) exists; pass --resume to continue that run, or choose another --out")
    case .optionsDiffer: throw CommandFailure("\(error); pass the same ones to --resume")
    case .nothingToResume, .configurationDiffers: throw CommandFailure("\(error)")
    case .dataDiffers: throw CommandFailure("\(error); resume with the run's --data, or start a new run with another --out")
    }
  }
}

/// `body`'s result, with a diverged training run reported in the command line's words: the
/// option to change is `--lr`.
func namingLearningRateOption<T>(_ body: () throws -> T) throws -> T {
  do { return try body() } catch let error as TrainingError {
    guard case .diverged(let epoch, let rate) = error else { throw error }
    throw CommandFailure("training diverged in epoch \(epoch): the model's values are no longer finite; lower --lr (now \(rate))")
  }
}

extension LossKind {
  /// The loss in the words of a progress line (`rel. L2`, `MSE`, `rel. L2 summed over steps`).
  var label: String {
    switch self {
    case .relativeL2: "rel. L2"
    case .mse: "MSE"
    case .relativeL2PerStep: "rel. L2 summed over steps"
    case .relativeNegativeSobolev: "rel. H-1"
    }
  }
}
