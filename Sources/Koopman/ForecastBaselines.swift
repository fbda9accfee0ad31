import Foundation
import Tensors

/// The simple forecasters every result is read against, on normalized windows `[N, L, C]` →
/// `[N, H, C]`.
public enum ForecastBaseline: Sendable, Equatable {
  /// Repeats the last observed value.
  case repeatLast
  /// Repeats the last full season of `period` steps (`period ≤ lookback`).
  case seasonalNaive(period: Int)
  /// A linear map of the lookback to the horizon, `ŷ = W x + b`, shared by all channels and
  /// fitted by least squares on the training windows (the "linear model on the lookback").
  case linear(weights: Tensor)

  /// Short name for reports (`repeat_last`, `seasonal_naive`, `linear`).
  public var name: String {
    switch self {
    case .repeatLast: "repeat_last"
    case .seasonalNaive: "seasonal_naive"
    case .linear: "linear"
    }
  }

  /// Fits the linear baseline on `windows`: `weights` is `[L + 1, H]` (the last row the bias),
  /// from ridge-regularized least squares (`λ = 10⁻³`) over every window and channel.
  /// - Throws: ``TensorError`` from the solve.
  public static func fitLinear(_ windows: ForecastWindows.Part) throws -> ForecastBaseline {
    let (n, l, c) = (windows.inputs.shape[0], windows.inputs.shape[1], windows.inputs.shape[2])
    let h = windows.targets.shape[1]
    // One row per (window, channel): the lookback values and a 1.
    let x = windows.inputs.scalars, y = windows.targets.scalars
    var a = [Float](repeating: 1, count: n * c * (l + 1)), b = [Float](repeating: 0, count: n * c * h)
    for i in 0..<n {
      for ch in 0..<c {
        let row = i * c + ch
        for t in 0..<l { a[row * (l + 1) + t] = x[(i * l + t) * c + ch] }
        for t in 0..<h { b[row * h + t] = y[(i * h + t) * c + ch] }
      }
    }
    let weights = try Tensor.leastSquares(
      Tensor(shape: [n * c, l + 1], scalars: a), Tensor(shape: [n * c, h], scalars: b), ridge: 1e-3)
    return .linear(weights: weights)
  }

  /// The forecast `[N, H, C]` for lookback windows `[N, L, C]`.
  /// - Throws: ``TensorError`` if the windows do not fit (a season longer than the lookback,
  ///   a linear map of other sizes).
  public func forecast(_ inputs: Tensor, horizon h: Int) throws -> Tensor {
    let (n, l, c) = (inputs.shape[0], inputs.shape[1], inputs.shape[2])
    let x = inputs.scalars
    var out = [Float](repeating: 0, count: n * h * c)
    switch self {
    case .repeatLast:
      for i in 0..<n { for t in 0..<h { for ch in 0..<c { out[(i * h + t) * c + ch] = x[(i * l + l - 1) * c + ch] } } }
    case .seasonalNaive(let period):
      guard period >= 1, period <= l else {
        throw TensorError.invalidShape(operation: "seasonal naive", message: "period \(period) does not fit a lookback of \(l)")
      }
      for i in 0..<n {
        for t in 0..<h { for ch in 0..<c { out[(i * h + t) * c + ch] = x[(i * l + l - period + t % period) * c + ch] } }
      }
    case .linear(let weights):
      guard weights.shape == [l + 1, h] else {
        throw TensorError.shapeMismatch(operation: "linear baseline", shapes: [inputs.shape, weights.shape])
      }
      let w = weights.scalars
      for i in 0..<n {
        for ch in 0..<c {
          for t in 0..<h {
            var s = w[l * h + t]
            for k in 0..<l { s += w[k * h + t] * x[(i * l + k) * c + ch] }
            out[(i * h + t) * c + ch] = s
          }
        }
      }
    }
    return try Tensor(shape: [n, h, c], scalars: out)
  }
}

/// Forecast errors on normalized data, averaged over windows, steps and channels.
public struct ForecastMetrics: Sendable, Equatable, Codable {
  /// Mean squared error.
  public var mse: Double
  /// Mean absolute error.
  public var mae: Double

  /// The errors of `prediction` against `target` (same shapes).
  public init(prediction: Tensor, target: Tensor) {
    precondition(prediction.shape == target.shape, "forecast and target shapes differ")
    var (squares, absolutes) = (0.0, 0.0)
    for (p, t) in zip(prediction.scalars, target.scalars) {
      let d = Double(p - t)
      squares += d * d
      absolutes += abs(d)
    }
    let count = Double(max(target.count, 1))
    mse = squares / count
    mae = absolutes / count
  }
}

extension TimeSeries {
  /// The period (in steps, `2…maxPeriod`) at which the autocorrelation of the first `prefix`
  /// steps (differenced, averaged over channels) first comes within 10% of its peak after
  /// turning negative — the season the seasonal-naive baseline repeats (not a multiple of it).
  public func dominantPeriod(maxPeriod: Int, prefix: Int? = nil) -> Int {
    let n = min(prefix ?? count, count)
    guard maxPeriod >= 2, n > maxPeriod + 1 else { return 1 }
    // Differencing removes the trend that would otherwise favour the shortest lag.
    let differences = columns.indices.map { c -> [Double] in
      let d = (1..<n).map { values[$0][c] - values[$0 - 1][c] }
      let mean = d.reduce(0, +) / Double(d.count)
      return d.map { $0 - mean }
    }
    // Mean autocorrelation over channels at each lag; the season is the highest peak after the
    // curve first turns negative (before that, smooth series correlate at every short lag).
    let correlation = (0...maxPeriod).map { lag -> Double in
      differences.reduce(0.0) { total, d in
        let energy = d.reduce(0) { $0 + $1 * $1 }
        let shifted = (0..<(d.count - lag)).reduce(0.0) { $0 + d[$1] * d[$1 + lag] }
        return total + (energy > 0 ? shifted / energy : 0)
      } / Double(max(differences.count, 1))
    }
    let start = max(2, (1...maxPeriod).first { correlation[$0] < 0 } ?? 2)
    let peak = correlation[start...].max() ?? 0
    // Multiples of the season correlate about as well: take the first lag close to the peak.
    return (start...maxPeriod).first { correlation[$0] >= 0.9 * peak } ?? start
  }
}
