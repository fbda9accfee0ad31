import Tensors
import TestSupport
import XCTest

final class ConvolutionTests: XCTestCase {
  func testConv2dMatchesADirectLoop() throws {
    let x = randomTensor([2, 3, 7, 6], seed: 1), w = randomTensor([4, 3, 3, 2], seed: 2), b = randomTensor([4], seed: 3)
    let y = try x.convolved(with: w, bias: b, stride: [2, 1], padding: [1, 1])
    XCTAssertEqual(y.shape, [2, 4, 4, 7])
    for n in 0..<2 {
      for o in 0..<4 {
        for i in 0..<4 {
          for j in 0..<7 {
            var sum = b.scalars[o]
            for c in 0..<3 {
              for ki in 0..<3 {
                for kj in 0..<2 {
                  let (r, s) = (i * 2 + ki - 1, j + kj - 1)
                  guard r >= 0, r < 7, s >= 0, s < 6 else { continue }
                  sum += x.scalars[((n * 3 + c) * 7 + r) * 6 + s] * w.scalars[((o * 3 + c) * 3 + ki) * 2 + kj]
                }
              }
            }
            XCTAssertEqual(y.scalars[((n * 4 + o) * 4 + i) * 7 + j], sum, accuracy: 1e-5)
          }
        }
      }
    }
    XCTAssertThrowsError(try x.convolved(with: randomTensor([4, 2, 3, 3], seed: 4))) { error in
      XCTAssertEqual("\(error)", "convolved: incompatible shapes [2, 3, 7, 6] and [4, 2, 3, 3]")
    }
  }

  func testTransposedConvolutionIsTheAdjoint() throws {
    // ⟨conv(x, W), y⟩ = ⟨x, convᵀ(y, W)⟩ for every dimension, stride and padding.
    for (spatial, kernel, stride, padding) in [
      ([9], [3], [2], [1]), ([7, 8], [3, 3], [2, 2], [1, 0]), ([5, 4, 6], [2, 3, 3], [1, 2, 2], [0, 1, 1]),
      // Unit strides take the shifted-GEMM path forward and im2col/col2im transposed; the
      // large case runs its batch on several workers.
      ([9], [3], [1], [1]), ([7, 8], [3, 2], [1, 1], [1, 0]), ([5, 4, 6], [3, 3, 3], [1, 1, 1], [1, 1, 2]),
      ([32, 32], [3, 3], [1, 1], [1, 1]),
    ] {
      let channels = spatial == [32, 32] ? 16 : 3, batch = spatial == [32, 32] ? 4 : 2
      let x = randomTensor([batch, channels] + spatial, seed: 5), w = randomTensor([4, channels] + kernel, seed: 6)
      let y0 = try x.convolved(with: w, stride: stride, padding: padding)
      let y = randomTensor(y0.shape, seed: 7)
      let extra = (0..<spatial.count).map { (spatial[$0] + 2 * padding[$0] - kernel[$0]) % stride[$0] }
      let back = try y.transposedConvolved(with: w, stride: stride, padding: padding, outputPadding: extra)
      XCTAssertEqual(back.shape, x.shape)
      let lhs = zip(y0.scalars, y.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      let rhs = zip(x.scalars, back.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      assertClose(lhs, rhs, rtol: 1e-5)
    }
  }

  func testConvolutionGradientsInEveryDimension() throws {
    try checkGradients([randomTensor([2, 2, 7], seed: 8), randomTensor([3, 2, 3], seed: 9), randomTensor([3], seed: 10)]) {
      try $0[0].convolved(with: $0[1], bias: $0[2], stride: [2], padding: [1])
    }
    try checkGradients([randomTensor([1, 2, 5, 4], seed: 11), randomTensor([2, 2, 3, 3], seed: 12), randomTensor([2], seed: 13)]) {
      try $0[0].convolved(with: $0[1], bias: $0[2], padding: [1, 1])
    }
    try checkGradients([randomTensor([1, 1, 4, 3, 4], seed: 14), randomTensor([2, 1, 2, 2, 3], seed: 15)]) {
      try $0[0].convolved(with: $0[1], stride: [1, 1, 2])
    }
    try checkGradients([randomTensor([2, 2, 3, 4, 3], seed: 23), randomTensor([2, 2, 3, 2, 3], seed: 24)]) {
      try $0[0].convolved(with: $0[1], padding: [1, 0, 1])
    }
    try checkGradients([randomTensor([2, 2, 4], seed: 16), randomTensor([2, 3, 3], seed: 17), randomTensor([3], seed: 18)]) {
      try $0[0].transposedConvolved(with: $0[1], bias: $0[2], stride: [2], padding: [1], outputPadding: [1])
    }
    try checkGradients([randomTensor([1, 2, 3, 3], seed: 19), randomTensor([2, 2, 3, 3], seed: 20)]) {
      try $0[0].transposedConvolved(with: $0[1], stride: [2, 2], padding: [1, 1])
    }
    try checkGradients([randomTensor([1, 1, 2, 3, 2], seed: 21), randomTensor([1, 2, 2, 2, 2], seed: 22)]) {
      try $0[0].transposedConvolved(with: $0[1], stride: [2, 1, 2])
    }
  }

  func testPoolingResizingAndNormalization() throws {
    let x = try Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
    XCTAssertEqual(try x.averagePooled(kernel: [2, 2]).scalars, [3.5, 5.5])
    XCTAssertThrowsError(try x.averagePooled(kernel: [2, 3]))
    let line = try Tensor(shape: [1, 1, 2], scalars: [0, 1])
    XCTAssertEqual(try line.resized(to: [3], alignCorners: true).scalars, [0, 0.5, 1])
    XCTAssertEqual(try line.resized(to: [4]).scalars, [0, 0.25, 0.75, 1], "half-pixel centres, as PyTorch")
    try checkGradients([randomTensor([2, 2, 4, 6], seed: 23)]) { try $0[0].averagePooled(kernel: [2, 3]) }
    try checkGradients([randomTensor([1, 2, 3, 4], seed: 24)]) { try $0[0].resized(to: [5, 7]) }
    try checkGradients([randomTensor([1, 1, 2, 2, 3], seed: 25)]) { try $0[0].resized(to: [3, 3, 4], alignCorners: true) }
    let n = try randomTensor([2, 3, 8], seed: 26).normalized(alongAxes: [2])
    for v in try n.mean(alongAxes: [2]).scalars { XCTAssertEqual(v, 0, accuracy: 1e-6) }
    try checkGradients([randomTensor([2, 3, 5], seed: 27)], tolerance: 2e-2) { try $0[0].normalized(alongAxes: [2]) }
  }
}

/// Pointwise (1×1) convolutions take a direct GEMM path without lowering.
final class PointwiseConvolutionTests: XCTestCase {
  func testPointwiseConvolutionMatchesAChannelMatmulAndHasGradients() throws {
    let x = randomTensor([2, 3, 4, 5], seed: 30), w = randomTensor([6, 3, 1, 1], seed: 31)
    let y = try x.convolved(with: w)
    // y[b, o, i, j] = Σ_c w[o, c] x[b, c, i, j]
    let expected = try w.reshaped(to: [6, 3]).matmul(x.permuted([1, 0, 2, 3]).reshaped(to: [3, 40])).reshaped(to: [6, 2, 4, 5]).permuted([
      1, 0, 2, 3,
    ])
    for (a, b) in zip(y.scalars, expected.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    try checkGradients([x, w, randomTensor([6], seed: 32)]) { try $0[0].convolved(with: $0[1], bias: $0[2]) }
  }
}

/// Strided convolutions run in polyphase form (one GEMM per tap on phase grids): rows wide
/// enough for the 8-wide deinterleaving, odd and even extents, padding 0 and 1.
final class PolyphaseConvolutionTests: XCTestCase {
  func testStrideTwoMatchesADirectLoopAndTheTransposeIsItsAdjoint() throws {
    for (rows, columns, padding) in [(9, 37, 1), (8, 40, 0), (17, 18, 1)] {
      let x = randomTensor([2, 3, rows, columns], seed: 31), w = randomTensor([4, 3, 3, 3], seed: 32)
      let y = try x.convolved(with: w, stride: [2, 2], padding: [padding, padding])
      let (outRows, outColumns) = ((rows + 2 * padding - 3) / 2 + 1, (columns + 2 * padding - 3) / 2 + 1)
      XCTAssertEqual(y.shape, [2, 4, outRows, outColumns])
      var worst = 0.0
      for b in 0..<2 {
        for o in 0..<4 {
          for i in 0..<outRows {
            for j in 0..<outColumns {
              var sum = 0.0
              for c in 0..<3 {
                for r in 0..<3 {
                  for s in 0..<3 {
                    let (u, v) = (2 * i + r - padding, 2 * j + s - padding)
                    guard u >= 0, u < rows, v >= 0, v < columns else { continue }
                    sum += Double(w.scalars[((o * 3 + c) * 3 + r) * 3 + s]) * Double(x.scalars[((b * 3 + c) * rows + u) * columns + v])
                  }
                }
              }
              worst = max(worst, abs(Double(y.scalars[((b * 4 + o) * outRows + i) * outColumns + j]) - sum))
            }
          }
        }
      }
      XCTAssertLessThan(worst, 1e-5, "\(rows)x\(columns), padding \(padding)")
      // ⟨conv(x), z⟩ = ⟨x, convᵀ(z)⟩
      let z = randomTensor(y.shape, seed: 33)
      let extra = [(rows + 2 * padding - 3) % 2, (columns + 2 * padding - 3) % 2]
      let back = try z.transposedConvolved(with: w, stride: [2, 2], padding: [padding, padding], outputPadding: extra)
      XCTAssertEqual(back.shape, x.shape)
      let lhs = zip(y.scalars, z.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      let rhs = zip(x.scalars, back.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      assertClose(lhs, rhs, rtol: 1e-5)
    }
  }
}
