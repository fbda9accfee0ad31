import Foundation
import Krylov
import PDEData
import Spectral
import Tensors
import TestSupport
import XCTest

final class DarcyDataTests: XCTestCase {
  private let directory = temporaryDirectory("pdedata")

  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  func testInverseCosineTransformIsOrthonormalDCTIII() {
    let (n, m) = (5, 4)
    for (k, l) in [(0, 0), (1, 2), (4, 3)] {
      var c = [Double](repeating: 0, count: n * m)
      c[k * m + l] = 1
      let x = CosineTransform.inverse2D(c, rows: n, columns: m)
      let wk = (k == 0 ? 1.0 : 2.0) / Double(n), wl = (l == 0 ? 1.0 : 2.0) / Double(m)
      for i in 0..<n {
        for j in 0..<m {
          let expected =
            (wk * wl).squareRoot() * cos(.pi * Double((2 * i + 1) * k) / Double(2 * n)) * cos(.pi * Double((2 * j + 1) * l) / Double(2 * m))
          assertClose(x[i * m + j], expected, atol: 1e-14)
        }
      }
    }
  }

  /// The sampler's spectrum: scipy's orthonormal DCT of our samples has mean squared
  /// coefficients `(s · τ^{α−1}(π²|k|² + τ²)^{−α/2})²`, and a zero mean mode.
  func testRandomFieldSpectrumMatchesTheCovariance() throws {
    let field = GaussianRandomField(size: 32)
    var generator = SplitMix64(seed: 11)
    let count = 400
    var values = [Double]()
    for _ in 0..<count { values += field.sample(using: &generator) }
    try NumpyArray(shape: [count, 32, 32], values: values).write(to: path("grf.npy"))
    let modes = [(1, 0), (0, 1), (1, 1), (2, 3), (5, 4)]
    let measured = try runPython(
      """
      import numpy as np
      from scipy.fft import dctn
      u = np.load('\(path("grf.npy"))')
      c = dctn(u, axes=(1, 2), norm='ortho')
      print(' '.join(str((c[:, k, l] ** 2).mean()) for k, l in \(modes.map { [$0.0, $0.1] })), abs(c[:, 0, 0]).max())
      """
    ).split(separator: " ").compactMap { Double($0) }
    XCTAssertEqual(measured.count, modes.count + 1)
    for (i, (k, l)) in modes.enumerated() {
      let expected = pow(32 * field.modeScale(k, l), 2)
      XCTAssertEqual(measured[i] / expected, 1, accuracy: 0.25, "mode (\(k), \(l))")
    }
    XCTAssertLessThan(measured.last ?? 1, 1e-10, "the mean mode is zero")
  }

  func testDatasetIsDeterministicAgreesWithCHOLMODAndResumes() throws {
    let multigrid = try DarcyDatasetGenerator(resolution: 33, samples: 7, seed: 5, solver: .independent(.pcgMultigrid), shardSize: 3)
    let direct = try DarcyDatasetGenerator(resolution: 33, samples: 7, seed: 5, solver: .independent(.cholmod), shardSize: 2)
    let summary = try multigrid.generate(in: path("mg"))
    XCTAssertEqual(summary.samples, 7)
    XCTAssertLessThanOrEqual(summary.maxRelativeResidual, 1.01e-8)
    _ = try direct.generate(in: path("direct"))
    let coefficient = try Data(contentsOf: URL(fileURLWithPath: path("mg/coeff.npy")))
    XCTAssertEqual(
      coefficient, try Data(contentsOf: URL(fileURLWithPath: path("direct/coeff.npy"))), "same seed, same coefficients, byte for byte")
    let a = try NumpyArray(contentsOf: path("mg/coeff.npy"))
    XCTAssertEqual(Set(a.values), [3, 12])
    let u1 = try NumpyArray(contentsOf: path("mg/sol.npy")).values, u2 = try NumpyArray(contentsOf: path("direct/sol.npy")).values
    assertClose(u1, u2, rtol: 1e-6, "multigrid-PCG against CHOLMOD")

    // A killed run: the last shard lost its statistics file, so it is redone; the others are kept.
    try FileManager.default.removeItem(atPath: path("mg/shards/stats-00002.json"))
    try FileManager.default.removeItem(atPath: path("mg/sol.npy"))
    let resumed = try multigrid.generate(in: path("mg"))
    XCTAssertEqual(resumed.solvedNow, 1)
    XCTAssertEqual(try NumpyArray(contentsOf: path("mg/sol.npy")).values, u1)
    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("mg/meta.json")))) as? [String: Any]
    XCTAssertEqual(meta?["family"] as? String, "darcy")
    XCTAssertEqual((meta?["relative_residuals"] as? [Double])?.count, 7)
  }

  func testSortedRecyclingGivesTheSameDatasetAndResumesAlongItsChain() throws {
    let recycled = try DarcyDatasetGenerator(resolution: 24, samples: 12, seed: 8, solver: .recycling, shardSize: 5)
    let direct = try DarcyDatasetGenerator(resolution: 24, samples: 12, seed: 8, solver: .independent(.cholmod), shardSize: 12)
    let summary = try recycled.generate(in: path("skr"))
    XCTAssertLessThanOrEqual(summary.maxRelativeResidual, 1.01e-8)
    XCTAssertGreaterThan(summary.matvecs, 0)
    _ = try direct.generate(in: path("skr-direct"))
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: path("skr/coeff.npy"))),
      try Data(contentsOf: URL(fileURLWithPath: path("skr-direct/coeff.npy"))), "samples in seed order whatever the solve order")
    let u = try NumpyArray(contentsOf: path("skr/sol.npy")).values
    assertClose(u, try NumpyArray(contentsOf: path("skr-direct/sol.npy")).values, rtol: 1e-6, "SKR against CHOLMOD")
    // Shards hold runs of the chain; a lost shard is redone alone.
    let stats = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("skr/shards/stats-00001.json"))))
    XCTAssertEqual(((stats as? [String: Any])?["indices"] as? [Int])?.count, 5)
    try FileManager.default.removeItem(atPath: path("skr/shards/stats-00001.json"))
    XCTAssertEqual(try recycled.generate(in: path("skr")).solvedNow, 5)
    assertClose(try NumpyArray(contentsOf: path("skr/sol.npy")).values, u, rtol: 1e-6)
    // Recycled CG along the same chain: the same dataset.
    let rcg = try DarcyDatasetGenerator(resolution: 24, samples: 12, seed: 8, solver: .recycledCG, shardSize: 5)
    XCTAssertLessThanOrEqual(try rcg.generate(in: path("rcg")).maxRelativeResidual, 1.01e-8)
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: path("rcg/coeff.npy"))), try Data(contentsOf: URL(fileURLWithPath: path("skr/coeff.npy"))))
    assertClose(try NumpyArray(contentsOf: path("rcg/sol.npy")).values, u, rtol: 1e-6, "recycled CG against CHOLMOD")
    XCTAssertEqual(DatasetSolver(name: "rcg"), .recycledCG)
  }

  func testGreedyChainVisitsNearestNeighbours() {
    let fields: [[Double]] = [[0, 0], [10, 0], [1, 0], [11, 0], [2, 0]]
    XCTAssertEqual(SampleOrdering.greedyNearestNeighbour(fields), [0, 2, 4, 1, 3])
    XCTAssertEqual(SampleOrdering.greedyNearestNeighbour([]), [])
  }

  func testBadParametersAreRejected() {
    XCTAssertThrowsError(try DarcyDatasetGenerator(resolution: 2, samples: 5, seed: 0))
    XCTAssertThrowsError(try DarcyDatasetGenerator(resolution: 16, samples: 0, seed: 0)) { error in
      XCTAssertEqual("\(error)", "invalid parameter: samples must be at least 1, got 0")
    }
  }
}
