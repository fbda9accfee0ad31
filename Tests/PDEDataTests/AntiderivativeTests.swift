import Foundation
import PDEData
import Tensors
import TestSupport
import XCTest

final class AntiderivativeTests: XCTestCase {
  /// The sampler's empirical covariance matches the RBF kernel.
  func testProcessHasTheSquaredExponentialCovariance() throws {
    let process = try SquaredExponentialProcess(points: 21, lengthScale: 0.2)
    var g = SplitMix64(seed: 3)
    let count = 4000
    var products = [Double](repeating: 0, count: 21 * 21)
    for _ in 0..<count {
      let u = process.sample(using: &g)
      XCTAssertTrue(u.allSatisfy(\.isFinite))
      for i in 0..<21 { for j in 0..<21 { products[i * 21 + j] += u[i] * u[j] / Double(count) } }
    }
    for (i, j) in [(0, 0), (10, 10), (0, 2), (5, 9), (3, 20)] {
      let d = Double(i - j) / 20
      XCTAssertEqual(products[i * 21 + j], exp(-d * d / 0.08), accuracy: 0.08, "covariance at (\(i), \(j))")
    }
    XCTAssertThrowsError(try SquaredExponentialProcess(points: 1))
  }

  /// numpy reads the files and scipy's cumulative trapezoid of the inputs gives the outputs.
  func testDatasetAgreesWithScipyAndIsSeeded() throws {
    let directory = temporaryDirectory("antiderivative").path
    try AntiderivativeDatasetGenerator(points: 50, samples: 30, seed: 4).generate(in: directory)
    let result = try runPython(
      """
      import numpy as np, json
      from scipy.integrate import cumulative_trapezoid
      u = np.load('\(directory)/coeff.npy'); s = np.load('\(directory)/sol.npy')
      ref = cumulative_trapezoid(u.astype(np.float64), np.linspace(0, 1, 50), axis=1, initial=0)
      meta = json.load(open('\(directory)/meta.json'))
      print(u.shape, u.dtype, abs(s - ref).max() < 1e-6, meta['family'], meta['length_scale'])
      """)
    XCTAssertEqual(result, "(30, 50) float32 True antiderivative 0.2")
    // Query points between the sensors: the exact integral of the piecewise-linear input.
    let coarse = temporaryDirectory("antiderivative-queries").path
    try AntiderivativeDatasetGenerator(points: 50, queryPoints: 7, samples: 5, seed: 4).generate(in: coarse)
    let between = try runPython(
      """
      import numpy as np
      u = np.load('\(coarse)/coeff.npy').astype(np.float64); s = np.load('\(coarse)/sol.npy')
      x = np.linspace(0, 1, 200001); y = np.linspace(0, 1, 7)
      trapezoid = getattr(np, 'trapezoid', None) or np.trapz
      upto = lambda q: np.append(x[x < q], q)
      ref = np.array([[trapezoid(np.interp(upto(q), np.linspace(0, 1, 50), f), upto(q)) for q in y] for f in u])
      print(s.shape, abs(s - ref).max() < 1e-6)
      """)
    XCTAssertEqual(between, "(5, 7) True")
    let again = try AntiderivativeDatasetGenerator(points: 50, samples: 40, seed: 4)
    let first = try NumpyArray(contentsOf: directory + "/coeff.npy").values
    XCTAssertEqual(again.sample(index: 29).input.map { Double(Float($0)) }, Array(first[(29 * 50)..<(30 * 50)]))
  }
}
