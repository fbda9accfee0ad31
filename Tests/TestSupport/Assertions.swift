import Foundation
import Layers
import Parallelism
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

/// The outputs (`sol.npy`) of the dataset in `directory`, one row per sample, and their mean row.
private func outputsAndMean(_ directory: String) throws -> (rows: [ArraySlice<Double>], mean: [Double]) {
  let u = try NumpyArray(contentsOf: (directory as NSString).appendingPathComponent("sol.npy"))
  let n = u.shape[0], size = u.values.count / max(n, 1)
  let rows = (0..<n).map { u.values[($0 * size)..<(($0 + 1) * size)] }
  let mean = (0..<size).map { k in rows.reduce(0.0) { $0 + $1[$1.startIndex + k] } / Double(n) }
  return (rows, mean)
}

/// The mean relative L2 error `‖u_i − ū‖ / ‖u_i‖` over the samples of the dataset in
/// `directory`, where `ū` is their mean: the error of the mean predictor, which a trained model
/// must beat.
public func meanPredictorRelativeL2(_ directory: String) throws -> Double {
  let (rows, mean) = try outputsAndMean(directory)
  let errors = rows.map { row in
    (zip(row, mean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / row.reduce(0.0) { $0 + $1 * $1 }).squareRoot()
  }
  return errors.reduce(0, +) / Double(rows.count)
}

/// The mean squared error of predicting the dataset in `directory` by the mean of its outputs
/// over the samples (pointwise): the mean predictor's MSE, which a trained model must beat.
public func meanPredictorMSE(_ directory: String) throws -> Double {
  let (rows, mean) = try outputsAndMean(directory)
  let squares = rows.reduce(0.0) { total, row in total + zip(row, mean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
  return squares / Double(rows.count * mean.count)
}

/// The errors on `test` (outputs `[N, …]`) of predicting every sample by the mean of
/// `train`'s outputs: mean relative L2 and mean squared error — the baseline a trained model
/// must beat.
public func meanPredictorErrors(train: Tensor, test: Tensor) throws -> (relativeL2: Double, mse: Double) {
  let mean = try train.mean(alongAxes: [0], keepingAxes: true).broadcasted(to: test.shape)
  let relative = Double(try Loss.relativeL2(mean, test).scalar)
  let mse = zip(mean.scalars, test.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(test.count)
  return (relative, mse)
}

/// `body()` with the process configured for `workers` parallel workers, the previous count
/// restored after — for tests that compare results across worker counts.
public func withWorkerCount<T>(_ workers: Int, _ body: () throws -> T) rethrows -> T {
  let saved = Parallel.workerCount
  ProcessConfiguration.apply(workers: workers)
  defer { ProcessConfiguration.apply(workers: saved) }
  return try body()
}
