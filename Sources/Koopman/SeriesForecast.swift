import Foundation
import Parallelism
import Tensors

/// A forecast past the last row of a series: the next `horizon` dates at the series' own
/// frequency, and the values of every channel in the series' original units.
///
/// The forecaster sees the last `lookback` rows standardized with the statistics of the series'
/// training part (its first 70%, as ``ForecastWindows`` standardizes them for training), and its
/// output is mapped back to original units with the same statistics. Koopa normalizes each window
/// by its own mean and deviation as well, so its forecast does not depend on these statistics
/// beyond its 1e-5 deviation floor.
public struct SeriesForecast: Sendable, Equatable {
  /// Names of the forecast channels (the series' value columns).
  public let columns: [String]
  /// The dates after the series' last one.
  public let dates: [String]
  /// `values[t][c]`: channel `columns[c]` at `dates[t]`, in original units.
  public let values: [[Double]]
  /// The spacing of the dates, inferred from the series.
  public let frequency: SeriesFrequency

  /// Forecasts `horizon` steps after the end of `series` (read from `file`, for messages) from
  /// its last `lookback` rows. `forecaster` maps standardized windows `[1, lookback, channels]`
  /// to `[1, horizon, channels]`.
  /// - Throws: ``TimeSeriesError`` naming the file when the series has fewer than `lookback`
  ///   rows (saying how many are needed), when its dates cannot be read or are unevenly spaced
  ///   (naming the row), or when the forecaster returns the wrong shape or non-finite values.
  public init(
    continuing series: TimeSeries, lookback: Int, horizon: Int, file: String, forecaster: (Tensor) throws -> Tensor
  ) throws {
    guard series.count >= lookback else {
      throw TimeSeriesError(
        file: file, line: nil, message: "\(series.count) rows are too few to forecast from: the model's lookback needs \(lookback) rows")
    }
    let calendar = try SeriesCalendar(dates: series.dates, file: file)
    let channels = series.columns.count
    let (mean, deviation) = ForecastWindows.trainingStandardization(of: series)
    let window = series.values.suffix(lookback).flatMap { row in (0..<channels).map { Float((row[$0] - mean[$0]) / deviation[$0]) } }
    let forecast = try forecaster(try Tensor(shape: [1, lookback, channels], scalars: window))
    guard forecast.shape == [1, horizon, channels], forecast.scalars.allSatisfy(\.isFinite) else {
      throw TimeSeriesError(
        file: file, line: nil, message: "the model's forecast is \(forecast.shape) or not finite, expected [1, \(horizon), \(channels)]")
    }
    columns = series.columns
    dates = calendar.dates(after: horizon)
    frequency = calendar.frequency
    values = (0..<horizon).map { t in (0..<channels).map { c in Double(forecast.scalars[t * channels + c]) * deviation[c] + mean[c] } }
  }

  /// The forecast as CSV: a `date` header and one column per channel, one row per date (the
  /// layout ``TimeSeries/init(csv:columns:)`` reads).
  public var csv: String {
    var text = (["date"] + columns).joined(separator: ",") + "\n"
    for (date, row) in zip(dates, values) {
      text += ([date] + row.map { String(format: "%.7g", $0) }).joined(separator: ",") + "\n"
    }
    return text
  }

  /// Writes ``csv`` to `path` atomically.
  /// - Throws: ``TimeSeriesError`` naming the file when it cannot be written.
  public func write(to path: String) throws {
    do { try Data(csv.utf8).write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
      throw TimeSeriesError(file: path, line: nil, message: "cannot write: \(error.localizedDescription)")
    }
  }
}
