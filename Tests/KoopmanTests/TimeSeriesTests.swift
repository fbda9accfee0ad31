import Foundation
import Koopman
import Tensors
import TestSupport
import XCTest

final class TimeSeriesTests: XCTestCase {
  private let directory = temporaryDirectory("koopman")

  private func write(_ text: String, _ name: String) throws -> String {
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testReadsColumnsAndNamesTheLineAndColumnOfBadCells() throws {
    let good = try write("date,a,b\n2020-01-01,1,2\n2020-01-02,3,4.5\n", "good.csv")
    let series = try TimeSeries(csv: good, columns: ["b"])
    XCTAssertEqual(series.columns, ["b"])
    XCTAssertEqual(series.values, [[2], [4.5]])
    XCTAssertEqual(series.dates, ["2020-01-01", "2020-01-02"])
    XCTAssertEqual(try TimeSeries(csv: good).values, [[1, 2], [3, 4.5]])
    let cases: [(String, [String]?, String)] = [
      ("date,a\n2020-01-01,1\n2020-01-02,\n", nil, ":3: column 'a': missing value"),
      ("date,a\n2020-01-01,x1\n", nil, ":2: column 'a': 'x1' is not a number"),
      ("date,a\n2020-01-01,NaN\n", nil, ":2: column 'a': missing value"),
      ("date,a\n2020-01-01,1,2\n", nil, ":2: 3 cells, the header has 2"),
      ("date,a\n2020-01-01,1\n", ["z"], ":1: no column 'z' (columns: a)"),
      ("date,a\n", nil, "no data rows"),
    ]
    for (k, (text, columns, expected)) in cases.enumerated() {
      let path = try write(text, "bad\(k).csv")
      XCTAssertThrowsError(try TimeSeries(csv: path, columns: columns)) { error in
        XCTAssertTrue("\(error)".hasPrefix(path) && "\(error)".contains(expected), "\(error) lacks \(expected)")
      }
    }
  }

  /// The literature's borders: train = first 70%, test = last 20%, validation and test windows
  /// reaching `lookback` steps back; normalization from the training part only.
  func testChronologicalSplitWindowsAndNormalization() throws {
    let n = 100
    let series = TimeSeries(dates: (0..<n).map(String.init), columns: ["x"], values: (0..<n).map { [Double($0)] })
    let windows = try ForecastWindows(series, lookback: 5, horizon: 3)
    // train rows 0..<70, validation 65..<80, test 75..<100.
    XCTAssertEqual([windows.train.count, windows.validation.count, windows.test.count], [70 - 8 + 1, 15 - 8 + 1, 25 - 8 + 1])
    XCTAssertEqual(windows.mean, [34.5])
    let unnormalize = { (v: Float) in Double(v) * windows.standardDeviation[0] + windows.mean[0] }
    XCTAssertEqual(unnormalize(windows.test.inputs.scalars[0]), 75, accuracy: 1e-4)
    XCTAssertEqual(unnormalize(windows.test.targets.scalars.last!), 99, accuracy: 1e-4)
    XCTAssertEqual(unnormalize(windows.validation.targets.scalars[0]), 70, accuracy: 1e-4)
    XCTAssertThrowsError(try ForecastWindows(series, lookback: 20, horizon: 16, file: "s.csv")) { error in
      XCTAssertTrue("\(error)".contains("too few for lookback 20 + horizon 16"), "\(error)")
    }
  }

  /// Each baseline is exact where it should be: seasonal naive on a periodic series, the linear
  /// model on a straight line, repeat-last on a constant; and neither is exact elsewhere.
  func testBaselinesAreExactOnTheSeriesTheyModel() throws {
    let n = 400, period = 12
    func windows(_ f: (Int) -> Double) throws -> ForecastWindows {
      try ForecastWindows(
        TimeSeries(dates: (0..<n).map(String.init), columns: ["x"], values: (0..<n).map { [f($0)] }), lookback: 24, horizon: 6)
    }
    let seasonal = try windows { sin(2 * .pi * Double($0) / Double(period)) + 0.3 * cos(4 * .pi * Double($0) / Double(period)) }
    let line = try windows { 0.5 * Double($0) - 3 }
    func error(_ b: ForecastBaseline, _ w: ForecastWindows) throws -> Double {
      ForecastMetrics(prediction: try b.forecast(w.test.inputs, horizon: 6), target: w.test.targets).mse
    }
    XCTAssertLessThan(try error(.seasonalNaive(period: period), seasonal), 1e-10)
    XCTAssertGreaterThan(try error(.repeatLast, seasonal), 0.1)
    XCTAssertLessThan(try error(ForecastBaseline.fitLinear(line.train), line), 1e-4)
    XCTAssertGreaterThan(try error(.repeatLast, line), 1e-3)
    let periodic = TimeSeries(
      dates: (0..<n).map(String.init), columns: ["x"], values: (0..<n).map { [sin(2 * .pi * Double($0) / 12) + 0.01 * Double($0)] })
    XCTAssertEqual(periodic.dominantPeriod(maxPeriod: 30), 12)
    XCTAssertThrowsError(try ForecastBaseline.seasonalNaive(period: 30).forecast(seasonal.test.inputs, horizon: 6))
  }

  /// The shipped Mauna Loa record: the yearly season is found, and the baselines order as
  /// expected (the trend-following linear model best, repeating the last value worst).
  func testShippedCO2RecordAndItsBaselines() throws {
    let csv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/koopa-co2/co2.csv").path
    let series = try TimeSeries(csv: csv)
    XCTAssertEqual(series.count, 2284)
    let period = series.dominantPeriod(maxPeriod: 96, prefix: Int(Double(series.count) * 0.7))
    XCTAssertTrue((51...53).contains(period), "period \(period)")
    let windows = try ForecastWindows(series, lookback: 104, horizon: 26)
    let linear = try ForecastBaseline.fitLinear(windows.train)
    var errors = [String: Double]()
    for baseline in [ForecastBaseline.repeatLast, .seasonalNaive(period: period), linear] {
      errors[baseline.name] =
        ForecastMetrics(prediction: try baseline.forecast(windows.test.inputs, horizon: 26), target: windows.test.targets).mse
    }
    XCTAssertLessThan(errors["linear"]!, errors["seasonal_naive"]!, "\(errors)")
    XCTAssertLessThan(errors["seasonal_naive"]!, errors["repeat_last"]!, "\(errors)")
    print("CO2 baselines (lookback 104, horizon 26, normalized test MSE): \(errors)")
  }

  /// Every spacing a forecasting CSV uses, continued across month, year and leap-day boundaries
  /// in the series' own date style; checked against dates written out by hand.
  func testTheCalendarInfersTheFrequencyAndContinuesTheDates() throws {
    let cases: [([String], String, [String])] = [
      (["2001-10-01", "2001-11-01", "2001-12-01"], "monthly", ["2002-01-01", "2002-02-01"]),
      (["2000-11-30", "2000-12-31", "2001-01-31"], "monthly", ["2001-02-28", "2001-03-31"]),
      (["2003-10-31", "2003-11-30", "2003-12-31"], "monthly", ["2004-01-31", "2004-02-29"]),
      (["1959-01-01", "1959-04-01", "1959-07-01"], "quarterly", ["1959-10-01", "1960-01-01"]),
      (["1706-01-01", "1707-01-01", "1708-01-01"], "yearly", ["1709-01-01", "1710-01-01"]),
      (["1958-03-29", "1958-04-05", "1958-04-12"], "weekly", ["1958-04-19", "1958-04-26"]),
      (["2024-02-27", "2024-02-28", "2024-02-29"], "daily", ["2024-03-01", "2024-03-02"]),
      (["2016-12-31 22:00:00", "2016-12-31 23:00:00"], "hourly", ["2017-01-01 00:00:00", "2017-01-01 01:00:00"]),
      (["2016-07-01T23:30", "2016-07-01T23:45"], "every 15 minutes", ["2016-07-02T00:00", "2016-07-02T00:15"]),
      (["2000/12/30", "2000/12/31"], "daily", ["2001/01/01", "2001/01/02"]),
      (["2019-11", "2019-12"], "monthly", ["2020-01", "2020-02"]),
      (["1999", "2000"], "yearly", ["2001", "2002"]),
    ]
    for (dates, frequency, next) in cases {
      let calendar = try SeriesCalendar(dates: dates, file: "s.csv")
      XCTAssertEqual(calendar.frequency.name, frequency, "\(dates)")
      XCTAssertEqual(calendar.dates(after: 2), next, "\(dates)")
    }
    for (dates, message) in [
      (["2000-01-01"], "at least two dates"),
      (["2000-01-01", "2000-02-30"], "data row 2: date '2000-02-30' is not"),
      (
        ["2000-01-01", "2000-01-02", "2000-01-04"],
        "data row 3 ('2000-01-04') comes 2 days after the row before it, but the rows before step by 1 day"
      ),
      (["2000-01-01", "2000-01-01"], "data row 2 ('2000-01-01') comes 0 seconds after"),
    ] {
      XCTAssertThrowsError(try SeriesCalendar(dates: dates, file: "s.csv")) { error in
        XCTAssertTrue("\(error)".hasPrefix("s.csv: ") && "\(error)".contains(message), "\(error)")
      }
    }
  }
}
