import Foundation
import Parallelism

/// A multivariate time series read from a CSV file in the layout of the forecasting literature
/// (ETT, Koopa): a header row, a date column first, then one numeric column per variable.
///
/// Values are held time-major: `values[t][c]` is variable `columns[c]` at `dates[t]`.
public struct TimeSeries: Sendable, Equatable {
  /// The date (first column) of every row, as written.
  public var dates: [String]
  /// Names of the value columns, in order.
  public var columns: [String]
  /// `values[t][c]`, one row per time step.
  public var values: [[Double]]

  /// Number of time steps.
  public var count: Int { values.count }

  /// A series from its parts.
  public init(dates: [String], columns: [String], values: [[Double]]) {
    self.dates = dates
    self.columns = columns
    self.values = values
  }

  /// Reads `path`: the first column holds dates, `columns` selects value columns by header name
  /// (default: every column after the date).
  /// - Throws: ``TimeSeriesError`` naming the file, line and column of the first problem: a
  ///   missing file, no data rows, an unknown column, a missing or non-numeric cell, a row with
  ///   the wrong number of cells.
  public init(csv path: String, columns selected: [String]? = nil) throws {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw TimeSeriesError(file: path, line: nil, message: "cannot read the file")
    }
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    guard let headerLine = lines.first, !headerLine.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw TimeSeriesError(file: path, line: 1, message: "no header row")
    }
    let header = Self.cells(headerLine)
    guard header.count >= 2 else {
      throw TimeSeriesError(
        file: path, line: 1,
        message: "expected a date column and at least one value column, got \(inputExcerpt(header.joined(separator: ",")))")
    }
    let names = selected ?? Array(header.dropFirst())
    let indices = try names.map { name -> Int in
      guard let i = header.dropFirst().firstIndex(of: name) else {
        throw TimeSeriesError(
          file: path, line: 1,
          message:
            "no column \(inputExcerpt(name)) (columns: \(inputExcerpt(header.dropFirst().joined(separator: ", "), limit: 200, quoted: false)))"
        )
      }
      return i
    }
    var dates = [String](), values = [[Double]]()
    for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      let number = offset + 1
      let row = Self.cells(line)
      guard row.count == header.count else {
        throw TimeSeriesError(file: path, line: number, message: "\(row.count) cells, the header has \(header.count)")
      }
      values.append(
        try zip(indices, names).map { i, name in
          let cell = row[i]
          guard !cell.isEmpty, !["nan", "na", "null"].contains(cell.lowercased()) else {
            throw TimeSeriesError(file: path, line: number, message: "column \(inputExcerpt(name)): missing value")
          }
          guard let v = Double(cell), v.isFinite else {
            throw TimeSeriesError(file: path, line: number, message: "column \(inputExcerpt(name)): \(inputExcerpt(cell)) is not a number")
          }
          return v
        })
      dates.append(row[0])
    }
    guard !values.isEmpty else { throw TimeSeriesError(file: path, line: nil, message: "no data rows") }
    self.init(dates: dates, columns: names, values: values)
  }

  /// The comma-separated cells of a line, trimmed, with surrounding double quotes removed.
  private static func cells(_ line: String) -> [String] {
    line.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
  }
}

/// A time-series file or window that cannot be used; the message names the file, line and column.
public struct TimeSeriesError: Error, Equatable, CustomStringConvertible {
  /// The file.
  public let file: String
  /// The 1-based line (the header is line 1), when the problem is on one.
  public let line: Int?
  /// What is wrong.
  public let message: String

  public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
