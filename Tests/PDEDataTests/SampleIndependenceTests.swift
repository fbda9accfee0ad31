import Datasets
import Foundation
import Tensors
import TestSupport
import XCTest

@testable import PDEData

/// Samples of a dataset are independent draws: no sample reuses another's random numbers, and a
/// directory generated under the old per-index seeding is not resumed under the new one.
final class SampleIndependenceTests: XCTestCase {
  /// How many of the first 1000 draws of sample `i` also occur among sample `j`'s first 1000.
  private func sharedDraws(_ a: SplitMix64, _ b: SplitMix64) -> Int {
    var (a, b) = (a, b)
    let first = Set((0..<1000).map { _ in a.next() })
    return (0..<1000).filter { _ in first.contains(b.next()) }.count
  }

  /// Darcy coefficients and antiderivative inputs: the streams of samples 0…3 share no draws.
  /// (Seeded with `seed + γ·(i + 1)`, sample `i + 1` drew sample `i`'s stream shifted by one:
  /// 999 of 1000 shared.)
  func testNeighbouringSamplesShareNoRandomNumbers() throws {
    let antiderivative = try AntiderivativeDatasetGenerator(points: 20, samples: 4, seed: 0)
    for i in 0..<3 {
      for j in (i + 1)...3 {
        XCTAssertEqual(sharedDraws(DarcyProblem.generator(index: i, seed: 0), DarcyProblem.generator(index: j, seed: 0)), 0, "Darcy \(i), \(j)")
        XCTAssertEqual(sharedDraws(antiderivative.generator(index: i), antiderivative.generator(index: j)), 0, "antiderivative \(i), \(j)")
      }
    }
    // The seed moves every stream: the test set (seed 1) shares nothing with the training set.
    XCTAssertEqual(sharedDraws(DarcyProblem.generator(index: 0, seed: 0), DarcyProblem.generator(index: 0, seed: 1)), 0)
  }

  /// `meta.json` records the scheme, and shards made without it are refused on resume with a
  /// message that names `sampling`.
  func testSchemeIsRecordedAndOldShardsAreNotResumed() throws {
    let directory = temporaryDirectory("darcy-sampling").path
    let generator = try DarcyDatasetGenerator(resolution: 8, samples: 3, seed: 2, solver: .independent(.cholmod), shardSize: 2)
    _ = try generator.generate(in: directory)
    let meta = try DatasetDirectory(directory).metadata()
    XCTAssertEqual(meta?.sampling, .indexStreams)
    // A request recorded before the scheme existed: the same parameters without `sampling`.
    let requestPath = DatasetDirectory(directory).requestPath
    var old = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: requestPath))) as! [String: Any]
    XCTAssertEqual(old.removeValue(forKey: "sampling") as? String, "index-streams")
    try JSONSerialization.data(withJSONObject: old).write(to: URL(fileURLWithPath: requestPath))
    XCTAssertThrowsError(try generator.generate(in: directory)) { error in
      XCTAssertTrue("\(error)".contains("sampling: absent → \"index-streams\""), "\(error)")
    }
  }
}
