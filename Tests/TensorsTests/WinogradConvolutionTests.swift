import Tensors
import TestSupport
import XCTest

/// 3×3 unit-stride 2-D convolutions take the Winograd F(2×2, 3×3) path: its output and both
/// gradients against direct loops in double precision, on extents whose tile counts are odd,
/// below, at and above the 8-tile SIMD group, with paddings 0, 1 and 2.
final class WinogradConvolutionTests: XCTestCase {
  /// (batch, in, out, rows, columns, padding rows, padding columns)
  let cases: [(Int, Int, Int, Int, Int, Int, Int)] = [
    (1, 1, 1, 3, 3, 0, 0), (2, 3, 4, 7, 6, 1, 1), (1, 2, 3, 5, 9, 2, 2), (3, 5, 2, 18, 17, 1, 1), (2, 4, 4, 4, 4, 1, 1),
    (1, 3, 2, 33, 40, 0, 1), (2, 2, 3, 1, 35, 1, 0), (1, 6, 5, 16, 34, 2, 1), (2, 9, 13, 20, 21, 1, 1),
  ]

  /// `y[b, o, i, j] = Σ w[o, c, r, s] x[b, c, i + r − p, j + s − q]` in Double.
  private func direct(_ x: Tensor, _ w: Tensor, padding: (Int, Int)) -> [Double] {
    let (batch, channels, rows, columns) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let out = w.shape[0]
    let (outRows, outColumns) = (rows + 2 * padding.0 - 2, columns + 2 * padding.1 - 2)
    var y = [Double](repeating: 0, count: batch * out * outRows * outColumns)
    for b in 0..<batch {
      for o in 0..<out {
        for i in 0..<outRows {
          for j in 0..<outColumns {
            var sum = 0.0
            for c in 0..<channels {
              for r in 0..<3 {
                for s in 0..<3 {
                  let (u, v) = (i + r - padding.0, j + s - padding.1)
                  guard u >= 0, u < rows, v >= 0, v < columns else { continue }
                  sum +=
                    Double(w.scalars[((o * channels + c) * 3 + r) * 3 + s])
                    * Double(x.scalars[((b * channels + c) * rows + u) * columns + v])
                }
              }
            }
            y[((b * out + o) * outRows + i) * outColumns + j] = sum
          }
        }
      }
    }
    return y
  }

  /// Asserts `actual` equals `expected` within `rtol` of the largest magnitude of `expected`.
  private func assertMatches(_ actual: [Float], _ expected: [Double], rtol: Double, _ what: String) {
    XCTAssertEqual(actual.count, expected.count, what)
    let scale = expected.map(abs).max() ?? 0
    XCTAssertGreaterThan(scale, 0, what)
    let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, rtol * scale, "\(what): largest difference \(worst) against the scale \(scale)")
  }

  func testForwardMatchesTheDirectConvolution() throws {
    for (n, (batch, inC, outC, rows, columns, pr, pc)) in cases.enumerated() {
      let x = randomTensor([batch, inC, rows, columns], seed: UInt64(10 + n)), w = randomTensor([outC, inC, 3, 3], seed: UInt64(50 + n))
      let y = try x.convolved(with: w, padding: [pr, pc])
      XCTAssertEqual(y.shape, [batch, outC, rows + 2 * pr - 2, columns + 2 * pc - 2])
      assertMatches(y.scalars, direct(x, w, padding: (pr, pc)), rtol: 1e-5, "forward, case \(n)")
    }
  }

  func testGradientsMatchTheDirectAdjoints() throws {
    for (n, (batch, inC, outC, rows, columns, pr, pc)) in cases.enumerated() {
      let x = randomTensor([batch, inC, rows, columns], seed: UInt64(10 + n)), w = randomTensor([outC, inC, 3, 3], seed: UInt64(50 + n))
      let (outRows, outColumns) = (rows + 2 * pr - 2, columns + 2 * pc - 2)
      let cotangent = randomTensor([batch, outC, outRows, outColumns], seed: UInt64(90 + n))
      let tape = GradientTape()
      let (dx, dw) = try tape.record {
        let (tx, tw) = (tape.watch(x), tape.watch(w))
        let loss = try (tx.convolved(with: tw, padding: [pr, pc]) * cotangent).sum()
        let g = try tape.gradients(of: loss, withRespectTo: [tx, tw])
        return (g[0], g[1])
      }
      // ∂x[b, c, u, v] = Σ w[o, c, r, s] g[b, o, u − r + p, v − s + q];
      // ∂w[o, c, r, s] = Σ g[b, o, i, j] x[b, c, i + r − p, j + s − q].
      var expectedX = [Double](repeating: 0, count: x.count), expectedW = [Double](repeating: 0, count: w.count)
      for b in 0..<batch {
        for o in 0..<outC {
          for i in 0..<outRows {
            for j in 0..<outColumns {
              let g = Double(cotangent.scalars[((b * outC + o) * outRows + i) * outColumns + j])
              for c in 0..<inC {
                for r in 0..<3 {
                  for s in 0..<3 {
                    let (u, v) = (i + r - pr, j + s - pc)
                    guard u >= 0, u < rows, v >= 0, v < columns else { continue }
                    let xi = ((b * inC + c) * rows + u) * columns + v, wi = ((o * inC + c) * 3 + r) * 3 + s
                    expectedX[xi] += Double(w.scalars[wi]) * g
                    expectedW[wi] += Double(x.scalars[xi]) * g
                  }
                }
              }
            }
          }
        }
      }
      assertMatches(dx.scalars, expectedX, rtol: 1e-5, "input gradient, case \(n)")
      assertMatches(dw.scalars, expectedW, rtol: 1e-5, "kernel gradient, case \(n)")
    }
  }

  func testBatchesSplitOverWorkersGiveTheSameResult() throws {
    // Large enough for the transforms and the GEMMs to use two workers.
    let x = randomTensor([4, 16, 32, 32], seed: 3), w = randomTensor([16, 16, 3, 3], seed: 4)
    let one = try withWorkerCount(1) { try x.convolved(with: w, padding: [1, 1]) }
    let two = try withWorkerCount(2) { try x.convolved(with: w, padding: [1, 1]) }
    XCTAssertEqual(one.scalars, two.scalars)
    assertMatches(two.scalars, direct(x, w, padding: (1, 1)), rtol: 1e-5, "two workers")
  }
}
