// Koopa on the Mauna Loa weekly CO₂ record (co2.csv, public domain), at two horizons, beside the
// three baselines every forecast is read against; the 8-week model is then rolled to 52 weeks,
// on its own forecasts and on the observations arriving meanwhile (with operator adaptation).
//
//   swift run -c release koopa-co2 [epochs]
//
// The same job from the command line:
//   opkit forecast --csv examples/koopa-co2/co2.csv --lookback 52 --horizon 8 --extend 52 --epochs 30 --out k.safetensors --png k.png
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let epochs = CommandLine.arguments.dropFirst().compactMap(Int.init).first ?? 30
let root = "out/examples/koopa-co2"
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
let csv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("co2.csv").path
let series = try TimeSeries(csv: csv)
print("\(series.count) weeks of \(series.columns.joined()), \(series.dates.first!) to \(series.dates.last!)")

for (lookback, horizon) in [(52, 8), (104, 52)] {
  // Chronological 70/10/20 split, normalized with training statistics, sliding windows.
  let windows = try ForecastWindows(series, lookback: lookback, horizon: horizon, file: csv)
  // The Fourier filter keeps the frequencies that dominate the training windows (α = 0.2).
  let filter = try FourierFilter(fitting: windows.train.inputs)
  var generator = SplitMix64(seed: 0)
  let model = Koopa(
    KoopaConfiguration(channels: 1, lookback: lookback, horizon: horizon, invariantFrequencies: filter.invariantFrequencies),
    using: &generator)
  let train = try OperatorDataset(inputs: windows.train.inputs, outputs: windows.train.targets, sameGrid: false)
  let test = try OperatorDataset(inputs: windows.test.inputs, outputs: windows.test.targets, sameGrid: false)
  var trainer = Trainer(
    model: model, options: TrainingOptions(epochs: epochs, batchSize: 32, weightDecay: 0, schedule: .constant, loss: .mse),
    fittingNormalizersTo: train)
  try trainer.train(on: train, testingOn: test)
  let prediction = try trainer.predict(windows.test.inputs)
  let koopa = ForecastMetrics(prediction: prediction, target: windows.test.targets)
  let period = series.dominantPeriod(maxPeriod: lookback, prefix: Int(Double(series.count) * 0.7))
  let baselines = try [ForecastBaseline.repeatLast, .seasonalNaive(period: period), ForecastBaseline.fitLinear(windows.train)].map {
    ($0.name, ForecastMetrics(prediction: try $0.forecast(windows.test.inputs, horizon: horizon), target: windows.test.targets).mse)
  }
  print(
    String(format: "lookback %d, horizon %d: Koopa test MSE %.5f (MAE %.4f)", lookback, horizon, koopa.mse, koopa.mae)
      + baselines.map { String(format: "; %@ %.5f", $0.0, $0.1) }.joined())
  // The first test window: history and truth (blue), forecast (orange).
  let history = (0..<lookback).map { Double(windows.test.inputs.scalars[$0]) }
  let truth = (0..<horizon).map { Double(windows.test.targets.scalars[$0]) }
  let forecast = [Double](repeating: .nan, count: lookback) + (0..<horizon).map { Double(prediction.scalars[$0]) }
  try LineChart(
    [.init(values: history + truth, label: "observed", colour: .blue), .init(values: forecast, label: "Koopa", colour: .orange)],
    title: "CO₂ at Mauna Loa, first test window, horizon \(horizon) weeks", xLabel: "week of the window",
    yLabel: "CO₂ (normalized)"
  ).write(to: "\(root)/forecast-\(horizon).png")
  guard horizon < 52 else { continue }
  // Past the horizon: rounds of `horizon` steps up to 52 weeks over the test split.
  let year = try ForecastWindows(series, lookback: lookback, horizon: 52, file: csv).test
  let stream = try Tensor.concatenated([year.inputs, year.targets], alongAxis: 1)
  var adaptation = KoopaOperatorAdaptation(model: trainer.model)
  let forecasters: [(String, RollingInput, (Tensor) throws -> Tensor)] = [
    ("own forecasts", .ownForecasts, { try trainer.predict($0) }),
    ("observations", .observations, { try trainer.predict($0) }),
    (
      "observations + operator adaptation", .observations,
      { try trainer.outputNormalizer.decode(adaptation.forecast(trainer.inputNormalizer.encode($0))) }
    ),
  ]
  for (name, input, forecaster) in forecasters {
    let rolled = try rollingForecast(stream, lookback: lookback, horizon: horizon, steps: 52, input: input, forecaster: forecaster)
    print(String(format: "  rolled to 52 weeks on %@: test MSE %.5f", name, ForecastMetrics(prediction: rolled, target: year.targets).mse))
  }
}
print("wrote \(root)/forecast-8.png and forecast-52.png")
