import Foundation
import Tensors
import XCTest

/// Asserts `|actual − expected| ≤ atol + rtol·|expected|`, reporting at the caller's line.
public func assertClose(
  _ actual: Double, _ expected: Double, rtol: Double = 1e-12, atol: Double = 0, _ message: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let bound = atol + rtol * abs(expected)
  XCTAssert(
    abs(actual - expected) <= bound, "\(actual) vs \(expected) (|diff| \(abs(actual - expected)) > \(bound)) \(message())", file: file,
    line: line)
}

/// Asserts `‖actual − expected‖₂ ≤ rtol·‖expected‖₂ + atol`, elementwise arrays of equal length.
public func assertClose(
  _ actual: [Double], _ expected: [Double], rtol: Double = 1e-12, atol: Double = 0, _ message: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.count == expected.count else {
    XCTFail("lengths \(actual.count) vs \(expected.count) \(message())", file: file, line: line)
    return
  }
  let diff = zip(actual, expected).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
  let scale = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
  XCTAssert(diff <= rtol * scale + atol, "‖diff‖ \(diff) > \(rtol) · \(scale) + \(atol) \(message())", file: file, line: line)
}

/// Asserts that observed error ratios between successive refinements are near `order`'s
/// expected ratio `2^order` (within `slack`), reporting all ratios on failure.
public func assertConvergenceOrder(
  _ errors: [Double], order: Double, slack: Double = 0.15, file: StaticString = #filePath, line: UInt = #line
) {
  let ratios = zip(errors, errors.dropFirst()).map { $0 / $1 }
  let expected = pow(2, order)
  for r in ratios {
    XCTAssert(abs(r / expected - 1) <= slack, "error ratios \(ratios), errors \(errors); expected ≈ \(expected)", file: file, line: line)
  }
}

/// The tests' seeded generator: the library's SplitMix64.
public typealias SeededGenerator = SplitMix64

/// `count` uniform values in `[-1, 1)` from a seeded generator.
public func randomVector(_ count: Int, seed: UInt64) -> [Double] {
  var g = SeededGenerator(seed: seed)
  return (0..<count).map { _ in Double.random(in: -1..<1, using: &g) }
}

/// A fresh directory under the system's temporary directory, unique to this process.
public func temporaryDirectory(_ name: String) -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir
}

/// Runs `python3 -c script` (numpy and scipy are the cross-checks' references) and returns its
/// trimmed standard output.
public func runPython(_ script: String) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script]
  let out = Pipe()
  process.standardOutput = out
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
