import Foundation
import TestSupport
import XCTest

/// `opkit forecast` past the end of a series (`--forecast-out`, `--model`) and its TensorBoard
/// log (`--logdir`), read back by a decoder written here from the format's definition.
final class ForecastCommandTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-forecast-tests")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
  private func run(_ arguments: [String]) throws -> ProcessResult { try runProcess(try builtOpkit(), arguments) }

  /// A monthly series that is a pure seasonal pattern (period 12, two harmonics) on a linear trend.
  private static func seasonalTrend(_ t: Int) -> Double {
    10 + 0.02 * Double(t) + sin(2 * .pi * Double(t) / 12) + 0.3 * cos(4 * .pi * Double(t) / 12)
  }

  /// The CSV of ``seasonalTrend(_:)`` over `months` months from January 2000.
  private func writeSeasonalTrend(_ name: String, months: Int) throws -> String {
    let rows = (0..<months).map { t in String(format: "%04d-%02d-01,%.6f", 2000 + t / 12, t % 12 + 1, Self.seasonalTrend(t)) }
    try (["date,level"] + rows).joined(separator: "\n").write(toFile: path(name), atomically: true, encoding: .utf8)
    return path(name)
  }

  /// The rows of a forecast CSV: (date, values).
  private func forecastRows(_ file: String) throws -> (header: String, rows: [(String, [Double])]) {
    let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
    return (
      lines[0],
      try lines.dropFirst().map { line in
        let cells = line.split(separator: ",").map(String.init)
        return (cells[0], try cells.dropFirst().map { try XCTUnwrap(Double($0), line) })
      }
    )
  }

  func testForecastPastTheEndContinuesTheSeriesAndTheSavedModelForecastsTheSame() throws {
    let csv = try writeSeasonalTrend("season.csv", months: 372)
    let (model, future, logs) = (path("season.safetensors"), path("future.csv"), path("logs"))
    for old in [model, future, logs] { try? FileManager.default.removeItem(atPath: old) }
    let trained = try run([
      "forecast", "--csv", csv, "--lookback", "48", "--horizon", "12", "--epochs", "10", "--out", model, "--forecast-out", future,
      "--json", "--logdir", logs,
    ])
    XCTAssertEqual(trained.status, 0, trained.err)
    let (header, rows) = try forecastRows(future)
    XCTAssertEqual(header, "date,level")
    XCTAssertEqual(rows.map(\.0), (1...12).map { String(format: "2031-%02d-01", $0) }, "the next 12 months after 2030-12-01")
    // Original units: the trend and the season continue. Repeating the last value would be off
    // by up to 1.5 (relative error 0.06); the seasonal naive forecast misses the trend by 0.24.
    let truth = (372..<384).map(Self.seasonalTrend)
    let forecast = rows.map { $0.1[0] }
    let error = sqrt(zip(forecast, truth).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / truth.map { $0 * $0 }.reduce(0, +))
    XCTAssertLessThan(error, 1e-2, "\(forecast)")
    XCTAssertLessThan(zip(forecast, truth).map { abs($0 - $1) }.max()!, 0.2, "\(forecast) vs \(truth)")
    let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(trained.out.utf8)) as? [String: Any])
    let reported = try XCTUnwrap(report["forecast"] as? [String: Any])
    XCTAssertEqual(reported["frequency"] as? String, "monthly")
    XCTAssertEqual(reported["dates"] as? [String], rows.map(\.0))
    assertClose(try XCTUnwrap((reported["values"] as? [String: [Double]])?["level"]), forecast, rtol: 1e-6, atol: 0, "--json forecast")

    // The saved model, without training, forecasts the same (FFTW may plan other algorithms in
    // another process: equal to rounding).
    let again = path("again.csv")
    try? FileManager.default.removeItem(atPath: again)
    let reused = try run(["forecast", "--csv", csv, "--model", model, "--forecast-out", again])
    XCTAssertEqual(reused.status, 0, reused.err)
    XCTAssertTrue(reused.out.contains("forecast: 12 monthly steps, 2031-01-01 to 2031-12-01"), reused.out)
    let (_, reusedRows) = try forecastRows(again)
    XCTAssertEqual(reusedRows.map(\.0), rows.map(\.0))
    assertClose(reusedRows.map { $0.1[0] }, forecast, rtol: 1e-5, atol: 0, "--model forecast")

    // A longer series (two more years): the forecast starts after its own end.
    let longer = try writeSeasonalTrend("longer.csv", months: 396)
    let later = try run(["forecast", "--csv", longer, "--model", model, "--json"])
    XCTAssertEqual(later.status, 0, later.err)
    let laterReport = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(later.out.utf8)) as? [String: Any])
    XCTAssertEqual(((laterReport["forecast"] as? [String: Any])?["dates"] as? [String])?.first, "2033-01-01")

    // The TensorBoard log holds every epoch's scalars, equal to the checkpoint's history.
    let events = try FileManager.default.contentsOfDirectory(atPath: logs).filter { $0.hasPrefix("events.out.tfevents.") }
    XCTAssertEqual(events.count, 1)
    let scalars = try EventFile(contentsOf: logs + "/" + events[0]).scalars
    let history = try checkpointHistory(model)
    XCTAssertEqual(history.count, 10)
    for (tag, key) in [
      ("train/mse", "train_loss"), ("test/relative_l2", "test_relative_l2"), ("validation/mse", "validation_loss"),
      ("learning_rate", "learning_rate"), ("seconds_per_epoch", "seconds"),
    ] {
      let logged = try XCTUnwrap(scalars[tag], "\(tag) in \(scalars.keys.sorted())")
      XCTAssertEqual(logged.map(\.step), Array(1...10), tag)
      let expected = try history.map { try XCTUnwrap($0[key] as? Double, key) }
      assertClose(logged.map { Double($0.value) }, expected.map { Double(Float($0)) }, rtol: 0, atol: 0, tag)
    }
    XCTAssertEqual(try EventFile(contentsOf: logs + "/" + events[0]).imageTags, ["forecast/first_test_window"])
  }

  /// The shipped weekly CO₂ record: the next 52 weeks after 2001-12-29, in ppm.
  func testTheCO2ForecastContinuesWeekByWeekInPartsPerMillion() throws {
    let csv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/koopa-co2/co2.csv").path
    let (model, future) = (path("co2.safetensors"), path("co2-future.csv"))
    for old in [model, future] { try? FileManager.default.removeItem(atPath: old) }
    let result = try run([
      "forecast", "--csv", csv, "--lookback", "104", "--horizon", "52", "--epochs", "2", "--out", model, "--forecast-out", future,
    ])
    XCTAssertEqual(result.status, 0, result.err)
    XCTAssertTrue(result.out.contains("forecast: 52 weekly steps, 2002-01-05 to 2002-12-28, 1 channel(s)"), result.out)
    let (header, rows) = try forecastRows(future)
    XCTAssertEqual(header, "date,co2")
    XCTAssertEqual(rows.count, 52)
    // The record ends at 371.5 ppm and rises about 1.5 ppm a year with a ±3 ppm season.
    XCTAssertTrue(rows.allSatisfy { (365...380).contains($0.1[0]) }, "\(rows.map { $0.1[0] })")
  }

  func testBadDatesAndMismatchedModelsAreOneLineErrors() throws {
    let csv = try writeSeasonalTrend("short.csv", months: 120)
    let model = path("short.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let trained = try run(["forecast", "--csv", csv, "--lookback", "24", "--horizon", "6", "--epochs", "1", "--out", model])
    XCTAssertEqual(trained.status, 0, trained.err)
    var irregular = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
    irregular[50] = irregular[50].replacingOccurrences(of: "-01,", with: "-15,")
    try irregular.joined(separator: "\n").write(toFile: path("irregular.csv"), atomically: true, encoding: .utf8)
    var unreadable = irregular
    unreadable[50] = "next week," + unreadable[50].split(separator: ",")[1]
    try unreadable.joined(separator: "\n").write(toFile: path("unreadable.csv"), atomically: true, encoding: .utf8)
    let two = path("two.csv")
    try "date,a,b\n2000-01-01,1,2\n2000-02-01,2,3\n".write(toFile: two, atomically: true, encoding: .utf8)
    try "not a directory".write(toFile: path("file"), atomically: true, encoding: .utf8)
    let cases: [([String], String)] = [
      (
        ["forecast", "--csv", path("irregular.csv"), "--model", model, "--json"],
        "irregular dates: data row 50 ('2004-02-15') comes 45 days after the row before it, but the rows before step by 1 month"
      ),
      (["forecast", "--csv", path("unreadable.csv"), "--model", model, "--json"], "data row 50: date 'next week' is not YYYY-MM-DD"),
      (["forecast", "--csv", two, "--model", model, "--json"], "2 value column(s) selected, the model"),
      (
        ["forecast", "--csv", two, "--columns", "a", "--model", model, "--json"],
        "2 rows are too few to forecast from: the model's lookback needs 24"
      ),
      (["forecast", "--csv", csv, "--model", model, "--json", "--horizon", "7"], "--horizon 7 differs from the model's 6"),
      (["forecast", "--csv", csv, "--model", model], "--model needs --forecast-out or --json"),
      (["forecast", "--csv", csv, "--model", model, "--json", "--out", path("x.safetensors")], "--model forecasts without training"),
      (["forecast", "--csv", csv], "pass --out to train a model into, or --model"),
      (["forecast", "--csv", csv, "--model", model, "--forecast-out", csv], "--forecast-out"),
      (["forecast", "--csv", csv, "--model", model, "--forecast-out", path("f.txt")], "--forecast-out"),
      (["forecast", "--csv", csv, "--out", path("y.safetensors"), "--logdir", path("file")], "--logdir"),
      (["forecast", "--csv", csv, "--out", path("y.safetensors"), "--patience", "-1"], "--patience"),
      (["train", "fno", "--data", path("none"), "--out", path("z.safetensors"), "--logdir", path("file")], "--logdir"),
      (["forecast", "--csv", csv, "--model", path("missing.safetensors"), "--json"], "missing.safetensors"),
    ]
    let before = try Data(contentsOf: URL(fileURLWithPath: csv))
    for (arguments, expected) in cases {
      let failed = try run(arguments)
      XCTAssertNotEqual(failed.status, 0, "\(arguments)")
      XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
      XCTAssertTrue(failed.err.contains(expected), "'\(expected)' not in: \(failed.err)")
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: csv)), before, "the input is untouched")
  }

  /// The `history` metadata of a checkpoint: one JSON object per epoch.
  private func checkpointHistory(_ file: String) throws -> [[String: Any]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: file))
    let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
    let history = try XCTUnwrap((header["__metadata__"] as? [String: String])?["history"])
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(history.utf8)) as? [[String: Any]])
  }
}

/// A TensorBoard event file decoded from the definitions alone: TFRecord framing (length,
/// masked CRC-32C of the length, data, masked CRC-32C of the data, every CRC checked, computed
/// bit by bit here) and the protocol-buffer fields of `Event`, `Summary` and `Summary.Value`.
struct EventFile {
  var scalars = [String: [(step: Int, value: Float)]]()
  var imageTags = [String]()
  var fileVersion: String?

  init(contentsOf path: String) throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var offset = 0
    func little<T: FixedWidthInteger>(_ type: T.Type, at i: Int) -> T {
      (0..<MemoryLayout<T>.size).reduce(T(0)) { $0 | T(bytes[i + $1]) << (8 * $1) }
    }
    while offset < bytes.count {
      let length = Int(little(UInt64.self, at: offset))
      let lengthBytes = Array(bytes[offset..<(offset + 8)])
      XCTAssertEqual(little(UInt32.self, at: offset + 8), Self.maskedCRC(lengthBytes), "length CRC at \(offset)")
      let data = Array(bytes[(offset + 12)..<(offset + 12 + length)])
      XCTAssertEqual(little(UInt32.self, at: offset + 12 + length), Self.maskedCRC(data), "data CRC at \(offset)")
      offset += 16 + length
      var step = 0
      var summary: [UInt8]?
      for (field, value) in try Self.fields(data) {
        switch (field, value) {
        case (2, .varint(let v)): step = Int(Int64(bitPattern: v))
        case (3, .bytes(let b)): fileVersion = String(decoding: b, as: UTF8.self)
        case (5, .bytes(let b)): summary = b
        default: break
        }
      }
      guard let summary else { continue }
      for case (1, .bytes(let valueBytes)) in try Self.fields(summary) {
        var tag = "", scalar: Float?, image = false
        for (field, value) in try Self.fields(valueBytes) {
          switch (field, value) {
          case (1, .bytes(let b)): tag = String(decoding: b, as: UTF8.self)
          case (2, .fixed32(let bits)): scalar = Float(bitPattern: bits)
          case (4, .bytes): image = true
          default: break
          }
        }
        if let scalar { scalars[tag, default: []].append((step, scalar)) }
        if image { imageTags.append(tag) }
      }
    }
    XCTAssertEqual(fileVersion, "brain.Event:2")
  }

  enum Value { case varint(UInt64), fixed64(UInt64), bytes([UInt8]), fixed32(UInt32) }

  /// The (field number, value) pairs of one message.
  static func fields(_ bytes: [UInt8]) throws -> [(Int, Value)] {
    var i = 0, out = [(Int, Value)]()
    func varint() -> UInt64 {
      var (result, shift) = (UInt64(0), UInt64(0))
      while true {
        let b = bytes[i]
        i += 1
        result |= UInt64(b & 0x7F) << shift
        if b < 0x80 { return result }
        shift += 7
      }
    }
    func fixed(_ n: Int) -> UInt64 {
      defer { i += n }
      return (0..<n).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) }
    }
    while i < bytes.count {
      let key = varint()
      let field = Int(key >> 3)
      switch key & 7 {
      case 0: out.append((field, .varint(varint())))
      case 1: out.append((field, .fixed64(fixed(8))))
      case 2:
        let n = Int(varint())
        out.append((field, .bytes(Array(bytes[i..<(i + n)]))))
        i += n
      case 5: out.append((field, .fixed32(UInt32(fixed(4)))))
      default: throw CocoaError(.fileReadCorruptFile)
      }
    }
    return out
  }

  /// CRC-32C bit by bit (reflected polynomial 0x82F63B78), masked as TFRecord does.
  static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0x82F6_3B78 : 0) }
    }
    crc = ~crc
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }
}
