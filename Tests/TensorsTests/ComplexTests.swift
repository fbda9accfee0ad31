import ComplexModule
import RealModule
import Tensors
import TestSupport
import XCTest

final class ComplexTests: XCTestCase {
  func testComplexValuesAndProducts() throws {
    let a = try Tensor(complex: [Complex(1, 2), Complex(0, -1)], shape: [2])
    let b = try Tensor(complex: [Complex(3, -1), Complex(2, 2)], shape: [2])
    XCTAssertEqual(try Tensor.complexMultiplied(a, b).complexValues, [Complex(5, 5), Complex(2, -2)])
    XCTAssertEqual(try a.conjugated().complexValues, [Complex(1, -2), Complex(0, 1)])
    XCTAssertEqual(try a.complexMagnitude().scalars[1], 1)
    // 2x2 complex matrices against the definition.
    let p = randomTensor([2, 2, 2], seed: 1), q = randomTensor([2, 2, 2], seed: 2)
    let (pv, qv) = (p.complexValues, q.complexValues)
    let r = try p.complexMatmul(q).complexValues
    for i in 0..<2 {
      for j in 0..<2 {
        let expected = pv[i * 2] * qv[j] + pv[i * 2 + 1] * qv[2 + j]
        XCTAssertEqual(r[i * 2 + j].real, expected.real, accuracy: 1e-6)
        XCTAssertEqual(r[i * 2 + j].imaginary, expected.imaginary, accuracy: 1e-6)
      }
    }
    XCTAssertThrowsError(try p.complexMatmul(randomTensor([3, 2, 2], seed: 3)))
    XCTAssertThrowsError(try randomTensor([2, 3], seed: 4).conjugated()) { error in
      XCTAssertTrue("\(error)".contains("expects a complex tensor"), "\(error)")
    }
  }

  func testComplexGradients() throws {
    try checkGradients([randomTensor([3, 4, 2], seed: 5), randomTensor([4, 2], seed: 6)]) { try Tensor.complexMultiplied($0[0], $0[1]) }
    try checkGradients([randomTensor([2, 3, 4, 2], seed: 7), randomTensor([2, 4, 2, 2], seed: 8)]) { try $0[0].complexMatmul($0[1]) }
    try checkGradients([randomTensor([3, 2], seed: 9)]) { try $0[0].conjugated() }
    try checkGradients([randomTensor([3, 2], in: 0.5..<1, seed: 10)]) { try $0[0].complexMagnitude() }
    // A batch of complex GEMMs large enough to run in parallel, against the definition.
    let (a, b) = (randomTensor([40, 8, 12, 2], seed: 11), randomTensor([40, 12, 9, 2], seed: 12))
    let c = try a.complexMatmul(b)
    for (s, i, j) in [(0, 0, 0), (39, 7, 8), (17, 3, 5)] {
      var (re, im) = (0.0, 0.0)
      for k in 0..<12 {
        let (x, y) = (Double(a.scalars[2 * ((s * 8 + i) * 12 + k)]), Double(a.scalars[2 * ((s * 8 + i) * 12 + k) + 1]))
        let (u, v) = (Double(b.scalars[2 * ((s * 12 + k) * 9 + j)]), Double(b.scalars[2 * ((s * 12 + k) * 9 + j) + 1]))
        re += x * u - y * v
        im += x * v + y * u
      }
      XCTAssertEqual(Double(c.scalars[2 * ((s * 8 + i) * 9 + j)]), re, accuracy: 1e-5)
      XCTAssertEqual(Double(c.scalars[2 * ((s * 8 + i) * 9 + j) + 1]), im, accuracy: 1e-5)
    }
  }
}
