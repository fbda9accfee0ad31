import ArgumentParser
import Foundation
import OperatorKit

/// `opkit forecast`: Koopa on a CSV time series, read against three baselines, and the
/// forecast past the series' end.
struct Forecast: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train Koopa on a CSV time series, score it on the test split beside three baselines, and forecast past the end.",
    discussion: """
      The CSV has a header, a date column first and numeric value columns (the ETT layout). The \
      series is split 70/10/20 in time, normalized with training statistics and cut into \
      windows of --lookback inputs and --horizon targets. Koopa is trained with Adam on the MSE \
      by the shared trainer; the test MSE and MAE (normalized data) are printed beside those of \
      repeating the last value, repeating the last season and a linear model on the lookback. \
      --forecast-out writes the --horizon steps after the last row: the dates continued at the \
      series' own frequency (inferred from its dates), the values in the CSV's units (--json \
      reports them as `forecast`). With \
      --model, a trained checkpoint forecasts from the last lookback of --csv without training.
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "CSV file (header; date column first).") var csv: String
  @Option(help: "Value columns to use, comma-separated (default: all).") var columns: String?
  @Option(help: "Input steps per window (default 96; with --model, the model's).") var lookback: Int?
  @Option(help: "Forecast steps (default 24; with --model, the model's).") var horizon: Int?
  @Option(help: "Training epochs.") var epochs: Int = 10
  @Option(help: "Samples per mini-batch.") var batch: Int = 32
  @Option(help: "Adam learning rate.") var lr: Float = 1e-3
  @Option(help: "Learning-rate schedule: constant, step (halved every epochs/5), cosine or halving (halved after every epoch).")
  var schedule: ScheduleKind = .constant
  @Option(
    help:
      "Early stopping: stop once this many epochs in a row have not lowered the validation MSE, and keep the best epoch's model (0: off).")
  var patience: Int = 0
  @Option(help: "Koopa blocks.") var blocks: Int = 3
  @Option(help: "Koopman state dimension.") var stateDimension: Int = 64
  @Option(help: "Segment length of the time-variant predictor (default: lookback/4).") var segment: Int?
  @Option(help: "Fraction of frequencies the Fourier filter treats as time-invariant (Koopa's α).") var alpha: Double = 0.2

  @Option(
    help: ArgumentHelp(
      "Also forecast this many steps (more than --horizon) in rounds of --horizon: rolled on the model's own forecasts, on the observations arriving meanwhile, and on them with operator adaptation.",
      valueName: "steps"))
  var extend: Int?

  @Option(help: "Checkpoint file to train into (.safetensors).") var out: String?
  @Flag(help: "Continue the run saved in --out (same options) instead of starting anew.") var resume = false
  @Option(help: "Forecast with this trained checkpoint (.safetensors) instead of training one.") var model: String?
  @Option(help: "Write the forecast past the series' last row here (.csv: date column, one column per channel, original units).")
  var forecastOut: String?
  @Option(help: "Draw the first test window here (.png, .svg or .pdf): the observed series and Koopa's forecast, against the dates.")
  var png: String?
  @Option(
    help: "Write TensorBoard event files here: losses, learning rate and seconds per epoch; the first test window's forecast at the end.")
  var logdir: String?

  /// Input steps per window when training.
  private var trainingLookback: Int { lookback ?? 96 }
  /// Forecast steps when training.
  private var trainingHorizon: Int { horizon ?? 24 }

  func validate() throws {
    if model != nil {
      guard out == nil, !resume, extend == nil, png == nil, logdir == nil else {
        throw ValidationError("--model forecasts without training; --out, --resume, --extend, --png and --logdir belong to a training run")
      }
      guard forecastOut != nil || global.json else {
        throw ValidationError("--model needs --forecast-out or --json to say where the forecast goes")
      }
    } else if out == nil {
      throw ValidationError("pass --out to train a model into, or --model to forecast with a trained one")
    }
    let (lookback, horizon) = (trainingLookback, trainingHorizon)
    guard lookback >= 2, horizon >= 1 else { throw ValidationError("--lookback must be at least 2 and --horizon at least 1") }
    guard epochs >= 1, batch >= 1, lr > 0 else { throw ValidationError("--epochs, --batch and --lr must be positive") }
    guard (0..<1).contains(alpha), alpha > 0 else { throw ValidationError("--alpha must be in (0, 1), got \(alpha)") }
    if let segment, segment < 1 { throw ValidationError("--segment must be at least 1, got \(segment)") }
    try OptionLimits.require(
      [
        "--lookback": lookback, "--horizon": horizon, "--blocks": blocks, "--state-dimension": stateDimension, "--segment": segment ?? 1,
        "--extend": extend ?? 1,
      ], atMost: OptionLimits.largestSize)
    try OptionLimits.require(["--epochs": epochs, "--batch": batch, "--patience": patience], atMost: OptionLimits.largestCount)
    guard patience >= 0 else { throw ValidationError("--patience must be 0 (off) or more, got \(patience)") }
    guard lookback / (segment ?? max(1, lookback / 4)) >= 2 else { throw ValidationError("--segment must leave at least 2 segments") }
    try checkOutputs(
      [
        OutputFile("--out", out, ["safetensors"]), OutputFile("--png", png, FigureFormat.extensions),
        OutputFile("--forecast-out", forecastOut, ["csv"]),
      ],
      inputs: [csv, model])
    try checkLogDirectory(logdir)
    if let extend, extend <= horizon { throw ValidationError("--extend must be more than --horizon (\(horizon)), got \(extend)") }
  }

  func run() throws {
    global.apply()
    let series = try TimeSeries(csv: csv, columns: columns.map { $0.split(separator: ",").map(String.init) })
    if let model { return try forecast(series, with: model) }
    let (lookback, horizon, out) = (trainingLookback, trainingHorizon, out!)
    let windows = try ForecastWindows(series, lookback: lookback, horizon: horizon, file: csv)
    let filter = try FourierFilter(fitting: windows.train.inputs, fraction: alpha)
    let configuration = KoopaConfiguration(
      channels: series.columns.count, lookback: lookback, horizon: horizon, segment: segment, blocks: blocks,
      stateDimension: stateDimension, invariantFrequencies: filter.invariantFrequencies)
    // Windows as datasets of the shared trainer: inputs [N, L, C], outputs [N, H, C]; Koopa
    // normalizes each window itself.
    let train = try WindowDataset(inputs: windows.train.inputs, targets: windows.train.targets)
    let test = try WindowDataset(inputs: windows.test.inputs, targets: windows.test.targets)
    let validation = try WindowDataset(inputs: windows.validation.inputs, targets: windows.validation.targets)
    let options = TrainingOptions(
      epochs: epochs, batchSize: batch, learningRate: lr, weightDecay: 0, schedule: schedule, seed: global.seed, loss: .mse,
      normalization: .none, patience: patience)
    var run = try startRun(configuration, as: Koopa.self, options: options, train: train, checkpoint: out, resume: resume)
    let bar = ProgressBar(label: "koopa")
    let batches = (train.count + batch - 1) / batch
    let resumedFrom = run.resumedAfter
    let log = try RunLog(directory: Communicator.world.isRoot ? logdir : nil)
    _ = try namingLearningRateOption {
      try run.run(on: train, testingOn: test, validatingOn: validation) { event in
        switch event {
        case .batch(let epoch, let done, _): bar.update((epoch - 1 - resumedFrom) * batches + done, (epochs - resumedFrom) * batches)
        case .epoch(let summary): log.record(summary, loss: .mse)
        }
      }
    }
    let trainer = run.trainer
    if trainer.history.count < epochs, !global.json, let best = trainer.history.indices.dropLast(trainer.epochsWithoutImprovement).last {
      FileHandle.standardError.write(
        Data(
          String(
            format: "\nearly stopping after epoch %d: the validation MSE last fell in epoch %d (%.4g), whose model is kept\n",
            trainer.history.count, best + 1, trainer.history[best].validationLoss ?? .nan
          ).utf8))
    }
    let prediction = try trainer.predict(windows.test.inputs)
    let koopa = ForecastMetrics(prediction: prediction, target: windows.test.targets)
    let period = series.dominantPeriod(maxPeriod: lookback, prefix: Int(Double(series.count) * 0.7))
    var baselines = [String: Double]()
    let linear = try ForecastBaseline.fitLinear(windows.train)
    for baseline in [ForecastBaseline.repeatLast, .seasonalNaive(period: max(1, period)), linear] {
      baselines[baseline.name] =
        ForecastMetrics(prediction: try baseline.forecast(windows.test.inputs, horizon: horizon), target: windows.test.targets).mse
    }
    let extended = try extend.map { try ExtendedForecast(series: series, file: csv, steps: $0, model: trainer.trained, linear: linear) }
    if png != nil || logdir != nil {
      let channels = series.columns.count
      let history = (0..<lookback).map { Double(windows.test.inputs.scalars[$0 * channels]) }
      let truth = (0..<horizon).map { Double(windows.test.targets.scalars[$0 * channels]) }
      let forecast = (0..<horizon).map { Double(prediction.scalars[$0 * channels]) }
      // In the series' units, against its dates: the first test window starts `lookback` rows
      // before the test part.
      let (scale, shift) = (windows.standardDeviation[0], windows.mean[0])
      let units = { (values: [Double]) in values.map { $0 * scale + shift } }
      let gap = [Double](repeating: .nan, count: lookback)
      var curves: [LineChart.Series] = [
        .init(values: units(history + (extended?.firstTruth ?? truth)), label: "observed", colour: .blue),
        .init(
          values: gap + units(extended?.firstAdapted ?? forecast),
          label: extended == nil ? "Koopa forecast" : "Koopa, operator adaptation", colour: .orange),
      ]
      if let extended { curves.append(.init(values: gap + units(extended.firstOwn), label: "Koopa on its own forecasts", colour: .green)) }
      let start = series.count - Int(Double(series.count) * 0.2) - lookback
      let dates = Array(series.dates[start..<min(series.count, start + curves[0].values.count)])
      let image = LineChart(
        curves, title: "Koopa, first test window of \((csv as NSString).lastPathComponent)", xLabel: "date", yLabel: series.columns[0],
        xTickLabel: { dates[min($0, dates.count - 1)] })
      try png.map { try image.write(to: $0) }
      log.image("forecast/first_test_window", image, step: trainer.history.count)
    }
    try log.finish()
    // The forecast past the end: written with --forecast-out (its errors end the command),
    // otherwise only reported by --json, and skipped with a note when the dates do not allow it.
    let future: SeriesForecast?
    do {
      future = try SeriesForecast(continuing: series, lookback: lookback, horizon: horizon, file: csv) { try trainer.predict($0) }
    } catch let error as TimeSeriesError where forecastOut == nil {
      if global.json { FileHandle.standardError.write(Data("note: no forecast past the end in --json: \(error)\n".utf8)) }
      future = nil
    }
    if let forecastOut, let future { try future.write(to: forecastOut) }
    let secondsPerEpoch = median(trainer.history.map(\.seconds))
    let report = ForecastReport(
      testMSE: koopa.mse, testMAE: koopa.mae, secondsPerEpoch: secondsPerEpoch, peakMemoryMB: ResidentMemory.peakMegabytes,
      baselines: baselines, extended: extended?.report,
      parameters: trainer.model.parameterCount, testWindows: windows.test.count, seasonalPeriod: period, checkpoint: out,
      forecast: future.map(FutureReport.init))
    if global.json {
      print(try jsonLine(report))
    } else {
      print(
        String(
          format:
            "koopa: test MSE %.4f, MAE %.4f (%d windows, lookback %d, horizon %d); baselines MSE: repeat last %.4f, seasonal naive (period %d) %.4f, linear %.4f; %.2f s/epoch; wrote %@",
          koopa.mse, koopa.mae, windows.test.count, lookback, horizon, baselines["repeat_last"]!, period, baselines["seasonal_naive"]!,
          baselines["linear"]!, report.secondsPerEpoch, out))
      if let e = extended?.report {
        print(
          String(
            format:
              "%d steps in rounds of %d (%d windows), MSE: Koopa on own forecasts %.4f, on observations %.4f, with operator adaptation %.4f; linear on own forecasts %.4f, on observations %.4f",
            e.steps, horizon, e.windows, e.mse["koopa_own_forecasts"]!, e.mse["koopa_observations"]!,
            e.mse["koopa_operator_adaptation"]!, e.mse["linear_own_forecasts"]!, e.mse["linear_observations"]!))
      }
      if let future, let forecastOut { print(future.summary(writtenTo: forecastOut)) }
    }
  }

  /// `--model`: the checkpoint's forecast past the end of `series`, without training.
  private func forecast(_ series: TimeSeries, with checkpoint: String) throws {
    let trained = try TrainedModel<Koopa>(checkpointAt: checkpoint)
    let configuration = trained.model.configuration
    for (option, given, expected) in [("--lookback", lookback, configuration.lookback), ("--horizon", horizon, configuration.horizon)] {
      if let given, given != expected { throw CommandFailure("\(option) \(given) differs from the model's \(expected) (\(checkpoint))") }
    }
    guard series.columns.count == configuration.channels else {
      throw CommandFailure(
        "\(csv): \(series.columns.count) value column(s) selected, the model \(checkpoint) forecasts \(configuration.channels); choose them with --columns"
      )
    }
    let forecast = try SeriesForecast(continuing: series, lookback: configuration.lookback, horizon: configuration.horizon, file: csv) {
      try trained.predict($0)
    }
    if let forecastOut { try forecast.write(to: forecastOut) }
    if global.json {
      print(try jsonLine(ModelForecastReport(checkpoint: checkpoint, forecast: FutureReport(forecast))))
    } else if let forecastOut {
      print(forecast.summary(writtenTo: forecastOut))
    }
  }
}

extension SeriesForecast {
  /// One line for the terminal: how many steps, from when, at what frequency, where.
  func summary(writtenTo path: String) -> String {
    "forecast: \(dates.count) \(frequency.name) steps, \(dates.first ?? "") to \(dates.last ?? ""), \(columns.count) channel(s); wrote \(path)"
  }
}

/// The forecast past the series' end, as `--json` prints it: dates, frequency, and the values
/// per channel in original units.
struct FutureReport: Encodable {
  let frequency: String
  let dates: [String]
  let values: [String: [Double]]

  init(_ forecast: SeriesForecast) {
    frequency = forecast.frequency.name
    dates = forecast.dates
    values = Dictionary(uniqueKeysWithValues: forecast.columns.enumerated().map { c, name in (name, forecast.values.map { $0[c] }) })
  }
}

/// What `opkit forecast --model --json` prints.
struct ModelForecastReport: Encodable {
  let checkpoint: String
  let forecast: FutureReport
}

/// What `opkit forecast --json` prints.
struct ForecastReport: Encodable {
  let testMSE: Double
  let testMAE: Double
  let secondsPerEpoch: Double
  let peakMemoryMB: Int
  let baselines: [String: Double]
  let extended: ExtendedForecast.Report?
  let parameters: Int
  let testWindows: Int
  let seasonalPeriod: Int
  let checkpoint: String
  let forecast: FutureReport?
  enum CodingKeys: String, CodingKey {
    case baselines, extended, parameters, checkpoint, forecast
    case testMSE = "test_mse", testMAE = "test_mae", secondsPerEpoch = "seconds_per_epoch", peakMemoryMB = "peak_memory_mb"
    case testWindows = "test_windows", seasonalPeriod = "seasonal_period"
  }
}

/// `opkit forecast --extend`: the trained model and the linear baseline rolled past their
/// horizon over the test split, in rounds of the horizon.
struct ExtendedForecast {
  /// What `--json` prints under `extended`: MSE (normalized data) per forecaster and input.
  struct Report: Encodable {
    let steps: Int
    let windows: Int
    let mse: [String: Double]
  }

  let report: Report
  /// The first test window's truth, adapted Koopa forecast and Koopa rolled on its own forecasts
  /// (first channel), for the PNG.
  let firstTruth: [Double], firstAdapted: [Double], firstOwn: [Double]

  init(series: TimeSeries, file: String, steps: Int, model trained: TrainedModel<Koopa>, linear: ForecastBaseline) throws {
    let (lookback, horizon) = (trained.model.configuration.lookback, trained.model.configuration.horizon)
    let test = try ForecastWindows(series, lookback: lookback, horizon: steps, file: file).test
    let stream = try Tensor.concatenated([test.inputs, test.targets], alongAxis: 1)
    var mse = [String: Double](), first = [String: [Double]]()
    let channels = series.columns.count
    func measure(_ name: String, _ input: RollingInput, _ forecaster: (Tensor) throws -> Tensor) throws {
      let forecast = try rollingForecast(stream, lookback: lookback, horizon: horizon, steps: steps, input: input, forecaster: forecaster)
      mse[name] = ForecastMetrics(prediction: forecast, target: test.targets).mse
      first[name] = (0..<steps).map { Double(forecast.scalars[$0 * channels]) }
    }
    for input in RollingInput.allCases {
      try measure("koopa_\(input.rawValue)", input) { try trained.predict($0) }
      try measure("linear_\(input.rawValue)", input) { try linear.forecast($0, horizon: horizon) }
    }
    var adaptation = KoopaOperatorAdaptation(model: trained.model)
    try measure("koopa_operator_adaptation", .observations) {
      try trained.outputNormalizer.decode(adaptation.forecast(trained.inputNormalizer.encode($0)))
    }
    report = Report(steps: steps, windows: test.count, mse: mse)
    firstTruth = (0..<steps).map { Double(test.targets.scalars[$0 * channels]) }
    firstAdapted = first["koopa_operator_adaptation"]!
    firstOwn = first["koopa_own_forecasts"]!
  }
}
