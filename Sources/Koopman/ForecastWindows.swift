import Tensors

/// A series cut for forecasting the way the literature does it (Autoformer, Koopa): a
/// chronological 70/10/20 train/validation/test split, per-channel normalization fitted on the
/// training part, and sliding windows of `lookback` inputs followed by `horizon` targets. The
/// validation and test windows start `lookback` steps before their part, so every target of a
/// part lies inside it.
public struct ForecastWindows: Sendable {
  /// One part of the split: windows of the normalized series.
  public struct Part: Sendable {
    /// Lookback windows `[N, lookback, channels]`.
    public var inputs: Tensor
    /// The steps that follow each window, `[N, horizon, channels]`.
    public var targets: Tensor
    /// Number of windows.
    public var count: Int { inputs.shape[0] }
  }

  /// Input steps per window `L`.
  public let lookback: Int
  /// Predicted steps per window `H`.
  public let horizon: Int
  /// Per-channel mean of the training part.
  public let mean: [Double]
  /// Per-channel standard deviation of the training part (1 where it is zero).
  public let standardDeviation: [Double]
  /// Training windows.
  public let train: Part
  /// Validation windows.
  public let validation: Part
  /// Test windows.
  public let test: Part

  /// Cuts `series` into windows.
  /// - Throws: ``TimeSeriesError`` if `lookback` or `horizon` is below 1 or a part of the split
  ///   is too short for one window (the message says how many rows would be needed).
  public init(_ series: TimeSeries, lookback: Int, horizon: Int, file: String = "(series)") throws {
    guard lookback >= 1, horizon >= 1 else {
      throw TimeSeriesError(file: file, line: nil, message: "lookback and horizon must be at least 1, got \(lookback), \(horizon)")
    }
    let n = series.count, channels = series.columns.count
    let trainEnd = Int(Double(n) * 0.7), testLength = Int(Double(n) * 0.2)
    let validationEnd = n - testLength
    let borders = [(0, trainEnd), (trainEnd - lookback, validationEnd), (validationEnd - lookback, n)]
    let needed = Int((Double(lookback + horizon) / 0.1).rounded(.up)) + lookback
    for (name, (start, end)) in zip(["training", "validation", "test"], borders) where start < 0 || end - start < lookback + horizon {
      throw TimeSeriesError(
        file: file, line: nil,
        message:
          "\(n) rows are too few for lookback \(lookback) + horizon \(horizon): the \(name) part has no window (about \(needed) rows needed)"
      )
    }
    let (mean, deviation) = Self.trainingStandardization(of: series)
    let normalized = series.values.map { row in (0..<channels).map { Float((row[$0] - mean[$0]) / deviation[$0]) } }
    func part(_ range: (Int, Int)) throws -> Part {
      let starts = Array(range.0...(range.1 - lookback - horizon))
      let inputs = starts.flatMap { s in normalized[s..<(s + lookback)].flatMap { $0 } }
      let targets = starts.flatMap { s in normalized[(s + lookback)..<(s + lookback + horizon)].flatMap { $0 } }
      return Part(
        inputs: try Tensor(shape: [starts.count, lookback, channels], scalars: inputs),
        targets: try Tensor(shape: [starts.count, horizon, channels], scalars: targets))
    }
    self.lookback = lookback
    self.horizon = horizon
    self.mean = mean
    standardDeviation = deviation
    train = try part(borders[0])
    validation = try part(borders[1])
    test = try part(borders[2])
  }

  /// Per-channel mean and standard deviation (population; 1 where it is zero) of the training
  /// part of `series`: its first 70% of rows, at least one.
  public static func trainingStandardization(of series: TimeSeries) -> (mean: [Double], standardDeviation: [Double]) {
    let trainEnd = max(1, Int(Double(series.count) * 0.7)), channels = series.columns.count
    var mean = [Double](repeating: 0, count: channels), deviation = mean
    for c in 0..<channels {
      let column = series.values[0..<trainEnd].map { $0[c] }
      mean[c] = column.reduce(0, +) / Double(column.count)
      let variance = column.reduce(0) { $0 + ($1 - mean[c]) * ($1 - mean[c]) } / Double(column.count)
      deviation[c] = variance > 0 ? variance.squareRoot() : 1
    }
    return (mean, deviation)
  }
}
