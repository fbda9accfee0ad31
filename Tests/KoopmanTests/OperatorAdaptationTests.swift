import Koopman
import Layers
import Tensors
import TestSupport
import XCTest

final class OperatorAdaptationTests: XCTestCase {
  /// The ridge operator fit gives the same matrix in its small (`P ≤ D`) and normal (`P > D`)
  /// forms, pairs that are zero change nothing, and the fit satisfies the normal equations.
  func testOperatorFitFormsAgree() throws {
    let x = randomTensor([2, 3, 5], seed: 1), y = randomTensor([2, 3, 5], seed: 2)
    let k = try TimeVariantPredictor.fitOperator(before: x, after: y)
    // Nine zero pairs push P to 12 > D = 5: the normal form, same answer.
    let zeros = Tensor(zeros: [2, 9, 5])
    let padded = try TimeVariantPredictor.fitOperator(
      before: Tensor.concatenated([zeros, x], alongAxis: 1), after: Tensor.concatenated([zeros, y], alongAxis: 1))
    assertClose(padded.scalars.map(Double.init), k.scalars.map(Double.init), rtol: 1e-3)
    // Normal equations: Xᵀ(XK − Y) + λK = 0.
    let xt = try x.permuted([0, 2, 1])
    let residual = try xt.matmul(x.matmul(k) - y) + k * Tensor(TimeVariantPredictor.ridge)
    XCTAssertLessThan(residual.scalars.map(abs).max()!, 1e-4)
  }

  /// Rolled on observations, round r reads nothing at or after the first step it forecasts;
  /// rolled on its own forecasts, the window is completed by them (a forecaster that continues
  /// the last difference reproduces a ramp exactly either way).
  func testRollingForecastReadsOnlyWhatHasArrived() throws {
    let (l, h, steps) = (6, 4, 10)
    let ramp = try Tensor(shape: [1, l + steps, 1], scalars: (0..<(l + steps)).map { Float($0) })
    let continuation: (Tensor) throws -> Tensor = { w in
      let v = w.scalars, slope = v[l - 1] - v[l - 2]
      return try Tensor(shape: [1, h, 1], scalars: (1...h).map { v[l - 1] + Float($0) * slope })
    }
    for input in RollingInput.allCases {
      let rolled = try rollingForecast(ramp, lookback: l, horizon: h, steps: steps, input: input, forecaster: continuation)
      XCTAssertEqual(rolled.scalars, (l..<(l + steps)).map { Float($0) }, "\(input)")
    }
    let series = randomTensor([2, l + steps, 3], seed: 3)
    let mean: (Tensor) throws -> Tensor = { w in try w.mean(alongAxes: [1], keepingAxes: true) * Tensor(repeating: 1, shape: [1, h, 1]) }
    let reference = try rollingForecast(series, lookback: l, horizon: h, steps: steps, input: .observations, forecaster: mean)
    for changed in l..<(l + steps) {
      var scalars = series.scalars
      for b in 0..<2 { for c in 0..<3 { scalars[(b * (l + steps) + changed) * 3 + c] += 100 } }
      let perturbed = try rollingForecast(
        Tensor(shape: series.shape, scalars: scalars), lookback: l, horizon: h, steps: steps, input: .observations, forecaster: mean)
      // A round's forecast changes exactly when its window [rH, rH + L) holds `changed`:
      // never before that step has been observed.
      for b in 0..<2 {
        for t in 0..<steps {
          let same = (0..<3).allSatisfy { perturbed.scalars[(b * steps + t) * 3 + $0] == reference.scalars[(b * steps + t) * 3 + $0] }
          let r = t / h
          XCTAssertEqual(same, !(r * h..<(r * h + l)).contains(changed), "changed \(changed), step \(t)")
          if l + t <= changed { XCTAssertTrue(same, "step \(t) read the future step \(changed)") }
        }
      }
    }
    XCTAssertThrowsError(try rollingForecast(series, lookback: l, horizon: h, steps: steps + h, input: .observations, forecaster: mean))
  }

  /// Operator adaptation forecasts the first window exactly as the model does, remembers each
  /// window's snapshot pairs per block, fits later operators on all of them (so its later
  /// forecasts differ from the memoryless model's), and forgets them on reset.
  func testOperatorAdaptationRemembersSnapshotPairs() throws {
    var g = SeededGenerator(seed: 4)
    let model = Koopa(
      KoopaConfiguration(
        channels: 2, lookback: 12, horizon: 3, segment: 3, blocks: 2, stateDimension: 6, hiddenWidth: 8, hiddenLayers: 1,
        invariantFrequencies: [1]), using: &g)
    var adaptation = KoopaOperatorAdaptation(model: model)
    let first = randomTensor([2, 12, 2], seed: 5), second = randomTensor([2, 12, 2], seed: 6)
    let plainFirst = try model(first).scalars
    let adaptedFirst = try adaptation.forecast(first).scalars
    XCTAssertEqual(adaptedFirst, plainFirst)
    XCTAssertEqual(adaptation.rememberedPairs, 3)
    let adaptedSecond = try adaptation.forecast(second).scalars, plainSecond = try model(second).scalars
    XCTAssertEqual(adaptation.rememberedPairs, 6)
    XCTAssertGreaterThan(zip(adaptedSecond, plainSecond).map { abs($0 - $1) }.max()!, 1e-4)
    XCTAssertThrowsError(try adaptation.forecast(randomTensor([3, 12, 2], seed: 7)), "another batch size")
    adaptation.reset()
    XCTAssertEqual(adaptation.rememberedPairs, 0)
    XCTAssertEqual(try adaptation.forecast(second).scalars, plainSecond)
  }
}
