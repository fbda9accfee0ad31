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
