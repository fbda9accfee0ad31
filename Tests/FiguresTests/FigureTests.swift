import Foundation
import TestSupport
import XCTest

@testable import Figures

/// Figures drawn with Cairo: rasterized and searched for the pixels of their text, their
/// colours checked where the data put them, and the files checked for what their formats start
/// with.
final class FigureTests: XCTestCase {
  private let directory = temporaryDirectory("figures")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  private func lossCurve(title: String = "FNO training", xLabel: String = "epoch", yLabel: String = "relative L2") -> LineChart {
    let epochs = 50
    return LineChart(
      [
        .init(values: (1...epochs).map { 0.5 * pow(Double($0), -0.8) }, label: "train", colour: .blue),
        .init(values: (1...epochs).map { 0.6 * pow(Double($0), -0.6) }, label: "test", colour: .orange),
      ], title: title, xLabel: xLabel, yLabel: yLabel, yScale: .logarithmic)
  }

  /// Pixels darker than mid-grey inside a box (text is black; grid lines and curves are not).
  private func darkPixels(_ raster: Raster, x: Range<Int>, y: Range<Int>) -> Int {
    var count = 0
    for row in y {
      for column in x {
        let c = raster.colour(x: column, y: row)
        if Int(c.red) + Int(c.green) + Int(c.blue) < 3 * 90 { count += 1 }
      }
    }
    return count
  }

  func testTitleAndAxisLabelsAreDrawnWhereTheyBelong() throws {
    let chart = try lossCurve().rasterized()
    XCTAssertEqual([chart.width, chart.height], [640, 400])
    let (titleBand, xLabelBand, yLabelBand) = ((200..<440, 8..<28), (250..<390, 372..<396), (0..<22, 120..<280))
    let bare = try lossCurve(title: "", xLabel: "", yLabel: "").rasterized()
    for (name, band) in [("title", titleBand), ("x label", xLabelBand), ("y label", yLabelBand)] {
      XCTAssertGreaterThan(darkPixels(chart, x: band.0, y: band.1), 40, "\(name) pixels")
      XCTAssertEqual(darkPixels(bare, x: band.0, y: band.1), 0, "nothing there without a \(name)")
    }
    // Tick labels: powers of ten and 2×, 5× between them on the log axis, left of the plot.
    XCTAssertGreaterThan(darkPixels(chart, x: 20..<60, y: 36..<350), 100, "y tick labels")
  }

  func testALossCurvePNGIsSmallAndTheOtherFormatsAreWhatTheyClaim() throws {
    let png = path("loss.png")
    try lossCurve().write(to: png)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
    XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let be32 = { (i: Int) in bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
    XCTAssertEqual([be32(16), be32(20)], [640, 400], "IHDR width and height")
    // The hand-written encoder stored 640×400×3 bytes uncompressed (768 KB); deflate does far better.
    XCTAssertLessThan(bytes.count, 60_000)
    try lossCurve().write(to: path("loss.svg"))
    let svg = try String(contentsOfFile: path("loss.svg"), encoding: .utf8)
    XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.contains("width=\"640pt\""), String(svg.prefix(300)))
    try lossCurve().write(to: path("loss.pdf"))
    XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path("loss.pdf"))).prefix(5)), Array("%PDF-".utf8))
    XCTAssertThrowsError(try lossCurve().write(to: path("loss.jpg"))) { error in
      XCTAssertTrue("\(error)".contains("loss.jpg: a figure is written as .png, .svg or .pdf"), "\(error)")
    }
  }

  func testPanelsPutEachValueWhereItBelongsInItsRangesColour() throws {
    // A 4×4 field whose top-left cell is the maximum and bottom-right the minimum.
    let field = (0..<16).map { Double(15 - $0) }
    let grid = FieldGrid(
      panels: [[field, field.map { $0 * 2 }]], extent: (4, 4), columnTitles: ["truth", "prediction"], rowLabels: ["sample 0"],
      sharedColumns: [0, 1], title: "Darcy")
    XCTAssertEqual(grid.range(row: 0, column: 0).0, 0)
    XCTAssertEqual(grid.range(row: 0, column: 0).1, 30, "shared with the prediction's range")
    let alone = FieldGrid([1, 2, 3, 4], rows: 2, columns: 2, title: "u")
    XCTAssertEqual(alone.range(row: 0, column: 0).1, 4)
    let raster = try grid.rasterized()
    // Panel 0 starts at x = 24 + 20 (row label), y = 58; 180 points square, 45 per cell.
    let top = raster.colour(x: 44 + 20, y: 58 + 20), bottom = raster.colour(x: 44 + 160, y: 58 + 160)
    let expectedTop = Colormap.viridis(15.0 / 30), expectedBottom = Colormap.viridis(0)
    XCTAssertEqual(Double(top.red) / 255, expectedTop.red, accuracy: 0.01)
    XCTAssertEqual(Double(top.green) / 255, expectedTop.green, accuracy: 0.01)
    XCTAssertEqual(Double(bottom.blue) / 255, expectedBottom.blue, accuracy: 0.01)
    // The column titles are above the panels and the colorbar labels right of them.
    XCTAssertGreaterThan(darkPixels(raster, x: 100..<170, y: 30..<50), 20, "column title")
    XCTAssertGreaterThan(darkPixels(raster, x: 44 + 180 + 6 + 12 + 2..<44 + 180 + 60, y: 50..<250), 20, "colorbar labels")
  }

  /// Python's zlib and CRC-32 read the PNG Cairo wrote: every chunk's CRC holds and the image
  /// data inflates to one filter byte and 3 (RGB) or 4 (RGBA) bytes per pixel per row.
  func testThePNGIsValidForAnIndependentReader() throws {
    let png = path("field.png")
    let figure = FieldGrid((0..<(20 * 30)).map { Double($0 % 30) }, rows: 20, columns: 30, title: "ramp")
    try figure.write(to: png)
    let report = try runPython(
      """
      import struct, zlib
      data = open('\(png)', 'rb').read()
      assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
      pos, idat = 8, b''
      while pos < len(data):
          n, kind = struct.unpack('>I4s', data[pos:pos + 8])
          body = data[pos + 8:pos + 8 + n]
          assert zlib.crc32(kind + body) == struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0], kind
          if kind == b'IHDR': w, h, depth, colour = struct.unpack('>IIBB', body[:10])
          if kind == b'IDAT': idat += body
          pos += 12 + n
      raw = zlib.decompress(idat)
      channels = {2: 3, 6: 4}[colour]
      assert len(raw) == h * (channels * w + 1), (len(raw), w, h, channels)
      print(w, h, depth)
      """)
    XCTAssertEqual(report, "\(figure.size.width) \(figure.size.height) 8", "8-bit RGB or RGBA")
  }

  /// Cairo's images stop at 32,767 points a side: a taller figure is a clear error, not a crash
  /// or an empty file.
  func testAFigureTooLargeForAnImageIsAnError() {
    let tall = FieldGrid(panels: Array(repeating: [[0, 1, 2, 3]], count: 200), extent: (2, 2), columnTitles: ["u"], title: "tall")
    XCTAssertGreaterThan(tall.size.height, 32_767)
    XCTAssertThrowsError(try tall.write(to: path("tall.png"))) { error in
      XCTAssertTrue("\(error)".contains("tall.png: a ") && "\(error)".contains("exceeds the 32,767-point side"), "\(error)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: path("tall.png")))
  }

  func testTicksAreNiceNumbersInsideTheRange() {
    XCTAssertEqual(AxisScale.linear.ticks(0, 1, count: 5).map(\.label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    XCTAssertEqual(AxisScale.linear.ticks(-0.05, 52.5, count: 6).map(\.label), ["0", "10", "20", "30", "40", "50"])
    // Close values keep apart: a rollout's errors between 0.9987 and 1.0005.
    XCTAssertEqual(AxisScale.linear.ticks(0.9986, 1.0006, count: 6).map(\.label), ["0.9990", "0.9995", "1.0000", "1.0005"])
    XCTAssertEqual(AxisScale.logarithmic.ticks(-2, 0).map(\.label), ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"])
    XCTAssertEqual(AxisScale.logarithmic.ticks(-6, 0).map(\.label), ["1e-06", "1e-05", "1e-04", "0.001", "0.01", "0.1", "1"])
  }
}
