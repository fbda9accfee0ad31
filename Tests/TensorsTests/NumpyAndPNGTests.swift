import Foundation
import Tensors
import TestSupport
import XCTest

final class NumpyAndPNGTests: XCTestCase {
  private let directory = temporaryDirectory("tensors")

  func testRoundTripsEveryDTypeAndNumpyAgrees() throws {
    for dtype in NumpyDType.allCases {
      let path = directory.appendingPathComponent("a-\(dtype.byteCount)-\(dtype).npy").path
      let values = (0..<(24 * dtype.components)).map { Double($0) - 7.5 }.map {
        dtype == .int32 || dtype == .int64 ? $0.rounded(.down) : $0
      }
      let array = try NumpyArray(shape: [2, 3, 4], values: values, dtype: dtype)
      try array.write(to: path)
      XCTAssertEqual(try NumpyArray(contentsOf: path), array)
      // numpy sees complex elements as (real, imaginary) pairs: sum the real and imaginary parts.
      let seen = try runPython(
        "import numpy as np; a = np.load('\(path)'); print(a.shape, a.dtype.str, float(a.real.sum() + a.imag.sum()), a.flat[1])")
      let isInteger = dtype == .int32 || dtype == .int64
      let second =
        dtype.components == 2
        ? "(\(Float(values[2]))\(values[3] < 0 ? "" : "+")\(Float(values[3]))j)" : isInteger ? "\(Int(values[1]))" : "\(values[1])"
      XCTAssertEqual(seen, "(2, 3, 4) \(dtype.rawValue) \(values.reduce(0, +)) \(second)")
    }
  }

  func testReadsWhatNumpyWritesAndRejectsWhatItCannot() throws {
    let path = directory.appendingPathComponent("np.npy").path
    _ = try runPython("import numpy as np; np.save('\(path)', np.arange(6, dtype=np.float32).reshape(2, 3) / 4)")
    let array = try NumpyArray(contentsOf: path)
    XCTAssertEqual(array.shape, [2, 3])
    XCTAssertEqual(array.dtype, .float32)
    XCTAssertEqual(array.values, [0, 0.25, 0.5, 0.75, 1, 1.25])
    _ = try runPython("import numpy as np; np.save('\(path)', np.array([[1 + 2j, -3j]], dtype=np.complex64))")
    let complex = try NumpyArray(contentsOf: path)
    XCTAssertEqual(complex.shape, [1, 2])
    XCTAssertEqual(complex.values, [1, 2, 0, -3], "real and imaginary parts interleaved")
    _ = try runPython("import numpy as np; np.save('\(path)', np.zeros((2, 2), dtype=np.complex128))")
    XCTAssertThrowsError(try NumpyArray(contentsOf: path)) { error in
      XCTAssertTrue("\(error)".contains("dtype '<c16' is not supported"), "\(error)")
    }
    _ = try runPython("import numpy as np; np.save('\(path)', np.asfortranarray(np.ones((2, 3))))")
    XCTAssertThrowsError(try NumpyArray(contentsOf: path)) { error in
      XCTAssertTrue("\(error)".contains("Fortran"), "\(error)")
    }
    let good = try NumpyArray(shape: [100], values: Array(repeating: 1, count: 100))
    try good.write(to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - 8).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try NumpyArray(contentsOf: path)) { error in
      XCTAssertTrue("\(error)".contains("needs 800 data bytes"), "\(error)")
    }
    XCTAssertThrowsError(try NumpyArray(shape: [2, 2], values: [1]))
  }

  func testLinePlotDrawsEachSeriesInsideTheFrameOnALogAxis() {
    let (range, image) = LinePlot.render(
      [.init(values: [1, 0.1, 0.01], colour: (255, 0, 0)), .init(values: [0.5, .nan, 0.05], colour: (0, 0, 255))], width: 200, height: 100)
    XCTAssertEqual(range, 0.01...1)
    XCTAssertEqual([image.width, image.height], [200, 100])
    let pixels = stride(from: 0, to: image.pixels.count, by: 3).map { (image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2]) }
    let red = pixels.enumerated().filter { $0.element == (255, 0, 0) }.map(\.offset)
    XCTAssertGreaterThan(red.count, 100, "a polyline, not dots")
    XCTAssertTrue(pixels.contains { $0 == (0, 0, 255) })
    // The red line falls from top left to bottom right: a straight line on the log axis.
    let first = red.min()!, last = red.max()!
    XCTAssertLessThan(first % 200, 30)
    XCTAssertGreaterThan(last % 200, 170)
  }

  func testHeatmapPNGDecodesWithZlib() throws {
    let values = (0..<(20 * 30)).map { Double($0 % 30) }
    let image = Heatmap.render(values, rows: 20, columns: 30, minimumSize: 64)
    XCTAssertEqual(image.height, 80)
    let path = directory.appendingPathComponent("h.png").path
    try image.write(to: path)
    // Python's zlib checks the Adler-32 and the chunk CRCs are checked by hand.
    let report = try runPython(
      """
      import struct, zlib
      data = open('\(path)', 'rb').read()
      assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
      pos, idat = 8, b''
      while pos < len(data):
          n, kind = struct.unpack('>I4s', data[pos:pos + 8])
          body = data[pos + 8:pos + 8 + n]
          assert zlib.crc32(kind + body) == struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0], kind
          if kind == b'IHDR': w, h = struct.unpack('>II', body[:8])
          if kind == b'IDAT': idat += body
          pos += 12 + n
      raw = zlib.decompress(idat)
      assert len(raw) == h * (3 * w + 1)
      left = raw[1:4]; right = raw[1 + 3 * (30 * 4 - 1):1 + 3 * 30 * 4]
      print(w, h, tuple(left), tuple(right))
      """)
    XCTAssertEqual(report, "\(image.width) 80 (68, 1, 84) (253, 231, 37)", "viridis from the low end to the high end")
  }
}
