import Foundation
import Tensors
import TestSupport
import XCTest

final class NumpyFileTests: XCTestCase {
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
}
