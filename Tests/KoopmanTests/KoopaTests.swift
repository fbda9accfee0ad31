import Foundation
import Koopman
import Layers
import Tensors
import TestSupport
import Training
import XCTest

final class KoopaTests: XCTestCase {
  /// Finite-difference gradients through the per-window least-squares operator fit of the
  /// time-variant predictor (backcast and forecast), with a padded window (L = 7, S = 2).
  func testGradientsThroughTheLeastSquaresOperatorFit() throws {
    var g = SeededGenerator(seed: 1)
    let encoder = MLP(widths: [4, 5, 3], activation: .tanh, using: &g), decoder = MLP(widths: [3, 5, 4], activation: .tanh, using: &g)
    let predictor = TimeVariantPredictor(lookback: 7, horizon: 5, segment: 2)
    XCTAssertEqual(predictor.segments, 4)
    let x = randomTensor([2, 7, 2], seed: 2)
    let (backcast, forecast) = try predictor(x, encoder: encoder, decoder: decoder)
    XCTAssertEqual(backcast.shape, [2, 7, 2])
    XCTAssertEqual(forecast.shape, [2, 5, 2])
    try checkGradients([x], tolerance: 2e-2) { try predictor($0[0], encoder: encoder, decoder: decoder).forecast }
    try checkGradients([x], tolerance: 2e-2) { try predictor($0[0], encoder: encoder, decoder: decoder).backcast }
  }

  func testModelShapesGradientsAndOrthogonalOperators() throws {
    var g = SeededGenerator(seed: 3)
    let configuration = KoopaConfiguration(
      channels: 2, lookback: 8, horizon: 4, segment: 2, blocks: 2, stateDimension: 3, hiddenWidth: 4, hiddenLayers: 1,
      invariantFrequencies: [0, 1])
    let model = Koopa(configuration, using: &g)
    let k = model.invariantPredictors[0].koopmanOperator.scalars
    for i in 0..<3 {
      for j in 0..<3 {
        let dot = (0..<3).reduce(Float(0)) { $0 + k[i * 3 + $1] * k[j * 3 + $1] }
        XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-5)
      }
    }
    let x = randomTensor([3, 8, 2], seed: 4)
    XCTAssertEqual(try model(x).shape, [3, 4, 2])
    // Parameters (the window statistics are constants, as in the paper, so the input gradient
    // deliberately ignores them and is not compared with finite differences).
    let parameters = [model.invariantPredictors[1].koopmanOperator, model.variantEncoder.layers[0].weight]
    try checkGradients(parameters, tolerance: 3e-2) { p in
      var m = model
      m.invariantPredictors[1].koopmanOperator = p[0]
      m.variantEncoder.layers[0].weight = p[1]
      return try m(x)
    }
    try checkParameterGradients(model) { try $0(x).squared().mean() }
    XCTAssertThrowsError(try model(randomTensor([3, 9, 2], seed: 5)))
  }

  /// Trained briefly with Adam on a trending, seasonal series with a slowly drifting amplitude,
  /// Koopa forecasts the test windows better than repeating the last value or the last season.
  func testTrainingBeatsTheNaiveBaselines() throws {
    let n = 1200
    let values = (0..<n).map { t -> [Double] in
      let s = Double(t)
      return [0.004 * s + (1 + 0.3 * sin(s / 150)) * sin(2 * .pi * s / 24) + 0.3 * sin(2 * .pi * s / 7)]
    }
    let series = TimeSeries(dates: (0..<n).map(String.init), columns: ["x"], values: values)
    let windows = try ForecastWindows(series, lookback: 48, horizon: 12)
    let filter = try FourierFilter(fitting: windows.train.inputs)
    var g = SeededGenerator(seed: 6)
    var model = Koopa(
      KoopaConfiguration(
        channels: 1, lookback: 48, horizon: 12, segment: 12, blocks: 2, stateDimension: 16, hiddenWidth: 32,
        invariantFrequencies: filter.invariantFrequencies), using: &g)
    var adam = Adam(learningRate: 3e-3)
    for epoch in 0..<4 {
      for batch in stride(from: 0, to: windows.train.count, by: 32) {
        let rows = Array(batch..<min(batch + 32, windows.train.count)).map { ($0 * 7 + epoch) % windows.train.count }
        let (x, y) = (windows.train.inputs.rows(rows), windows.train.targets.rows(rows))
        let (_, gradients) = try model.valueWithGradients { try ($0(x) - y).squared().mean() }
        try adam.step(&model, gradients: gradients)
      }
    }
    let test = windows.test
    let koopa = ForecastMetrics(prediction: try model(test.inputs), target: test.targets).mse
    let last = ForecastMetrics(prediction: try ForecastBaseline.repeatLast.forecast(test.inputs, horizon: 12), target: test.targets).mse
    let season = ForecastMetrics(
      prediction: try ForecastBaseline.seasonalNaive(period: 24).forecast(test.inputs, horizon: 12), target: test.targets
    ).mse
    XCTAssertLessThan(koopa, last, "Koopa \(koopa), repeat last \(last)")
    XCTAssertLessThan(koopa, season, "Koopa \(koopa), seasonal naive \(season)")
  }
}
