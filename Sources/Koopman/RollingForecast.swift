import Tensors

/// What a forecaster trained for `H` steps reads when it is rolled further.
public enum RollingInput: String, Sendable, CaseIterable {
  /// Its own forecasts: after the first window nothing new is observed.
  case ownForecasts = "own_forecasts"
  /// The observations that arrived meanwhile: each round's window is the latest `L` observed
  /// steps (no forecast is fed back).
  case observations
}

/// The forecast of `steps` steps (`[B, steps, C]`) after the first `lookback` steps of `series`
/// `[B, T, C]`, made in rounds of `horizon` steps by `forecaster` (windows `[B, L, C]` → `[B, H,
/// C]`). Round `r` forecasts steps `L + rH ..< L + (r+1)H` from the window that ends at `L + rH`:
/// with `.observations` that window is `series` itself (the ground truth of the earlier rounds has
/// arrived; nothing at or after `L + rH` is read), with `.ownForecasts` it is completed by the
/// earlier rounds' forecasts. The last round is cut to `steps`.
/// - Throws: ``TensorError`` if `series` is shorter than the rounds need, or from `forecaster`.
public func rollingForecast(
  _ series: Tensor, lookback l: Int, horizon h: Int, steps: Int, input: RollingInput, forecaster: (Tensor) throws -> Tensor
) throws -> Tensor {
  let rounds = (steps + h - 1) / h
  let needed = input == .observations ? l + (rounds - 1) * h : l
  guard series.rank == 3, l >= 1, h >= 1, steps >= 1, series.shape[1] >= needed else {
    throw TensorError.invalidShape(
      operation: "rollingForecast", message: "\(rounds) rounds of \(h) after a lookback of \(l) need \(needed) steps, got \(series.shape)")
  }
  let (b, c) = (series.shape[0], series.shape[2])
  var window = try series.sliced([0..<b, 0..<l, 0..<c]), forecasts = [Tensor]()
  for r in 0..<rounds {
    if r > 0 {
      switch input {
      case .observations: window = try series.sliced([0..<b, (r * h)..<(r * h + l), 0..<c])
      case .ownForecasts:
        let joined = try Tensor.concatenated([window, forecasts[r - 1]], alongAxis: 1)
        window = try joined.sliced([0..<b, h..<(h + l), 0..<c])
      }
    }
    let forecast = try forecaster(window)
    guard forecast.shape == [b, h, c] else {
      throw TensorError.shapeMismatch(operation: "rollingForecast", shapes: [window.shape, forecast.shape])
    }
    forecasts.append(forecast.detached)
  }
  return try Tensor.concatenated(forecasts, alongAxis: 1).sliced([0..<b, 0..<steps, 0..<c])
}
