import Foundation
import Spectral
import Tensors
import TestSupport
import XCTest

final class FFTTests: XCTestCase {
  /// The direct DFT of a 2D real array at frequency (k, l).
  private func dft(_ x: Tensor, _ k: Int, _ l: Int) -> (Double, Double) {
    let (n, m) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    var (re, im) = (0.0, 0.0)
    for i in 0..<n {
      for j in 0..<m {
        let angle = -2 * Double.pi * (Double(k * i) / Double(n) + Double(l * j) / Double(m))
        re += Double(x.scalars[i * m + j]) * cos(angle)
        im += Double(x.scalars[i * m + j]) * sin(angle)
      }
    }
    return (re, im)
  }

  func testForwardMatchesTheDefinitionAndInverseRoundTrips() throws {
    for (n, m) in [(6, 8), (5, 7)] {
      let x = randomTensor([n, m], seed: UInt64(n))
      let y = try x.realFFT(dimensions: 2)
      XCTAssertEqual(y.shape, [n, m / 2 + 1, 2])
      for k in 0..<n {
        for l in 0...(m / 2) {
          let (re, im) = dft(x, k, l)
          XCTAssertEqual(Double(y.scalars[(k * (m / 2 + 1) + l) * 2]), re, accuracy: 1e-4)
          XCTAssertEqual(Double(y.scalars[(k * (m / 2 + 1) + l) * 2 + 1]), im, accuracy: 1e-4)
        }
      }
      let back = try y.inverseRealFFT(sizes: [n, m])
      for (a, b) in zip(back.scalars, x.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }
    XCTAssertThrowsError(try Tensor(zeros: [2, 3, 2]).inverseRealFFT(sizes: [4, 8]))
  }

  func testGradientsOfBothTransforms() throws {
    for sizes in [[8], [7], [4, 6], [5, 5], [3, 4, 5]] {
      let d = sizes.count
      try checkGradients([randomTensor([2] + sizes, seed: 1)]) { try $0[0].realFFT(dimensions: d) }
      let spectrumShape = [2] + sizes.dropLast() + [sizes.last! / 2 + 1, 2]
      // Spectra of real signals (Hermitian on the edge planes), so the round trip is the identity.
      let spectrum = try randomTensor([2] + sizes, seed: 2).realFFT(dimensions: d)
      XCTAssertEqual(spectrum.shape, spectrumShape)
      try checkGradients([spectrum]) { try $0[0].inverseRealFFT(sizes: sizes) }
    }
  }
}

final class DoublePrecisionFFTTests: XCTestCase {
  /// Batched 3D rfftn/irfftn in double precision against numpy, to round-off.
  func testDoubleRealFFTMatchesNumpyAndRoundTrips() throws {
    let sizes = [4, 6, 5]
    var g = SeededGenerator(seed: 21)
    let x = (0..<(2 * 120)).map { _ in Double.random(in: -1..<1, using: &g) }
    let spectrum = try RealFFT.forward(x, sizes: sizes)
    XCTAssertEqual(spectrum.count, 2 * 2 * 4 * 6 * 3)
    let script = """
      import numpy as np
      x = np.array([\(x.map { "\($0)" }.joined(separator: ","))]).reshape(2, 4, 6, 5)
      y = np.fft.rfftn(x, axes=(1, 2, 3))
      print(' '.join('%.17g' % v for v in np.stack([y.real, y.imag], axis=-1).ravel()))
      """
    let reference = try runPython(script).split(separator: " ").compactMap { Double($0) }
    XCTAssertEqual(reference.count, spectrum.count)
    assertClose(spectrum, reference, rtol: 0, atol: 1e-12)
    assertClose(try RealFFT.inverse(spectrum, sizes: sizes), x, rtol: 0, atol: 1e-14)
    XCTAssertThrowsError(try RealFFT.forward(Array(repeating: 0, count: 7), sizes: [2, 2])) {
      XCTAssertTrue("\($0)".contains("7 values"), "\($0)")
    }
  }
}
